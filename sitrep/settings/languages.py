"""Several languages in one run: `[report] languages = ["fr", "en"]`.

One report per language from the same figures, under one number and date. The first language
is the report's `locale`: its files keep their names and its narrative may stay in
`inputs/narrative/<date>.md`. Every other language's files get `_<lang>` before the extension
(`..._no10_en.pdf`) and its narrative is `inputs/narrative/<lang>/<date>.md`.

An edition is the whole pipeline run with `edition_config(config, lang)`: the same settings with
the language's locale, the country's name in it (CLDR) and its narrative folder.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from babel import Locale, UnknownLocaleError

from sitrep.geo.countries import country as country_of
from sitrep.problems import Problem, ProblemCode
from sitrep.settings.config import Config
from sitrep.settings.locales import language_of


def editions(config: Config) -> tuple[str, ...]:
    """The report's languages, the first one (the report's locale) first."""
    return config.languages or (config.locale,)


def is_first(config: Config, locale: str) -> bool:
    return language_of(locale) == language_of(editions(config)[0])


def file_suffix(config: Config) -> str:
    """'' for the first language's files; '_en' for the English edition of a French report."""
    return "" if is_first(config, config.locale) else f"_{language_of(config.locale)}"


def edition_config(config: Config, locale: str) -> Config:
    """`config` for the report in `locale`: its words, dates, numbers, country name, and the
    crisis, office and illustrative notice in its language (`[report]` keys given by language)."""
    if locale == config.locale:
        return config
    country = config.country
    if config.country_code:
        country = country_of(config.country_code).name_in(locale)
    texts = {key: value.in_language(locale) for key, value in config.by_language.items()}
    return dataclasses.replace(
        config,
        locale=locale,
        country=country,
        crisis=texts.get("crisis", config.crisis),
        issuing_office=texts.get("issuing_office", config.issuing_office),
        notice=texts.get("illustrative", config.notice),
    )


def untranslated(config: Config) -> list[Problem]:
    """A warning for each `[report]` key given by language that leaves out a language of a
    report made in several: that edition would print another language's text."""
    problems = []
    for key, value in config.by_language.items():
        for language in value.missing(editions(config)):
            problems.append(
                Problem(
                    "warning",
                    table="settings",
                    file="sitrep.toml",
                    column=f"report.{key}",
                    message=f"given by language but not in {language!r}, one of [report] "
                    f"languages: the {language!r} report prints {value.in_language(language)!r}. "
                    f'Add {language} = "..." to report.{key}',
                    code=ProblemCode.UNTRANSLATED,
                )
            )
    return problems


def narrative_dir(config: Config, day: dt.date) -> Path:
    """Where the narrative of `day` is for `config`'s language.

    The first language reads `inputs/narrative/<lang>/<date>.md` when that file exists, else
    `inputs/narrative/<date>.md`; another language always reads its own folder.
    """
    own = config.narrative_dir / language_of(config.locale)
    if not config.languages:
        return config.narrative_dir
    if is_first(config, config.locale) and not (own / f"{day.isoformat()}.md").is_file():
        return config.narrative_dir
    return own


def missing_narrative(config: Config, day: dt.date) -> Problem | None:
    """An error when a language after the first has no narrative for `day`: a report in that
    language would have no highlights or overview, so it names the file to write."""
    path = narrative_dir(config, day) / f"{day.isoformat()}.md"
    if is_first(config, config.locale) or path.is_file():
        return None
    shown = path.relative_to(config.workspace) if path.is_relative_to(config.workspace) else path
    return Problem(
        "error",
        table="narrative",
        file=str(shown),
        message=f"the report is also made in {language_of(config.locale)!r} ([report] languages), "
        f"but has no narrative in it for {day}: write its highlights and overview in {shown}",
        code=ProblemCode.NO_NARRATIVE,
    )


def right_to_left(locale: str) -> bool:
    """True for a locale written right to left (ar, fa, ps, he, ur...), from CLDR via Babel."""
    try:
        return Locale.parse(locale.replace("-", "_")).text_direction == "rtl"
    except (ValueError, UnknownLocaleError):
        return False
