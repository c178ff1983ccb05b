"""What a language's catalogues lack, and problems written in the workspace's language.

A report's words come from `i18n/<language>.toml` (and `i18n/<locale>.toml`), sitrep's and then
the workspace's; an entry a language's catalogues lack is written in English. `missing_entries`
lists those entries, and `catalogue_problems` gives the warning `init`, `validate` and `build`
give (`incomplete-catalogue`) for each of the report's languages that lacks any: never a silent
English report. `problem_wording` is what validation problems are written with: the workspace's
catalogue in its language (`sitrep.problems.Wording`).
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from pathlib import Path

from babel import Locale, UnknownLocaleError

from sitrep.errors import RenderError, SitrepError
from sitrep.problems import Message, Problem, ProblemCode, Wording
from sitrep.render.html import FALLBACK_LANGUAGE, PLURAL_FORMS, load_messages, unreadable_toml
from sitrep.settings.config import DEFAULT_TEMPLATES, Config, load_config, template_dirs
from sitrep.settings.languages import editions, language_of

Entry = str | dict[str, str]  # a text, or {CLDR plural category: text}


def entries(data: Mapping[str, object], prefix: str = "") -> dict[str, Entry]:
    """A catalogue's entries in its order: 'kf.since' -> text, or 'kf.routes_closed' ->
    {'one': ..., 'other': ...} for an entry with plural forms (a table of CLDR categories)."""
    out: dict[str, Entry] = {}
    for key, value in data.items():
        if isinstance(value, dict) and value and set(value) <= set(PLURAL_FORMS):
            out[prefix + key] = {k: str(v) for k, v in value.items()}
        elif isinstance(value, dict):
            out.update(entries(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = str(value)
    return out


def read_catalogue(path: Path) -> dict[str, Entry]:
    """One catalogue file's entries; a RenderError naming the file when it is not TOML."""
    try:
        return entries(tomllib.loads(path.read_text(encoding="utf-8")))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise RenderError(f"{path}: not valid TOML: {unreadable_toml(exc)}") from None


@functools.cache
def english_entries() -> dict[str, Entry]:
    """sitrep's English catalogue: every entry a language's catalogue should give."""
    return read_catalogue(DEFAULT_TEMPLATES / "i18n" / f"{FALLBACK_LANGUAGE}.toml")


def translated(entry: Entry | None) -> bool:
    """An entry written in the language: present, and not left empty ("" is not translated)."""
    if isinstance(entry, dict):
        return any(text != "" for text in entry.values())
    return bool(entry)


def language_entries(dirs: list[Path], locale: str) -> dict[str, Entry]:
    """The entries of `locale`'s own catalogues (its language's, then its locale's; sitrep's,
    then the workspace's), without English: what the language really has."""
    language = language_of(locale) or FALLBACK_LANGUAGE
    found: dict[str, Entry] = {}
    for name in dict.fromkeys([language, locale.replace("-", "_")]):
        for folder in reversed(dirs):
            path = folder / "i18n" / f"{name}.toml"
            if path.is_file() and path.resolve().is_relative_to(folder.resolve().parent):
                found |= {k: v for k, v in read_catalogue(path).items() if translated(v)}
    return found


def missing_entries(dirs: list[Path], locale: str) -> list[str]:
    """The English entries `locale`'s catalogues lack ([] for English)."""
    if language_of(locale) == FALLBACK_LANGUAGE:
        return []
    have = language_entries(dirs, locale)
    return [key for key in english_entries() if key not in have]


def language_name(code: str) -> str:
    """'Kiswahili' for 'sw': the language's name in itself (CLDR), else the code."""
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(code) or code
    except (UnknownLocaleError, ValueError):
        return code


def catalogue_problems(config: Config) -> list[Problem]:
    """A warning for each of the report's languages whose catalogues lack entries."""
    dirs = template_dirs(config.templates_dir)
    problems = []
    for locale in editions(config):
        missing = missing_entries(dirs, locale)
        if not missing:
            continue
        code = language_of(locale)
        message = Message(
            "incomplete-catalogue.missing",
            language=language_name(code),
            code=code,
            count=len(missing),
            total=len(english_entries()),
        )
        problems.append(
            Problem(
                "warning",
                table="templates",
                file=f"templates/i18n/{code}.toml",
                message=message,
                code=ProblemCode.INCOMPLETE_CATALOGUE,
            )
        )
    return problems


def problem_wording(config: Config) -> Wording:
    """The workspace's catalogue in its language, for its problems; English if it is broken
    (its problems are still said: the broken catalogue is the build's to report)."""
    try:
        dirs = template_dirs(config.templates_dir)
        return Wording(load_messages(dirs, config.locale), config.locale)
    except SitrepError:
        return Wording()


def workspace_wording(workspace: Path | None) -> Wording:
    """`problem_wording` of the workspace at `workspace`; English when it has no settings."""
    try:
        return problem_wording(load_config(workspace)) if workspace else Wording()
    except SitrepError:
        return Wording()


def in_language(config: Config, problems: list[Problem]) -> tuple[list[Problem], Wording]:
    """What `sitrep validate` shows: the catalogues' warnings, then `problems`, and the wording
    they are written with (the workspace's language)."""
    return catalogue_problems(config) + problems, problem_wording(config)
