"""`[indicators.KEY]` in sitrep.toml: each indicator an office tracks, declared once.

A row of the `indicators` table is a value of one indicator on a date in an area; its
`indicator` cell is the KEY of one of these declarations (case ignored). A declaration says:

- `label`: what the report calls it, one text or a table by language (`label = { en =
  "Returnees", pt = "Retornados" }`); a report takes its language's, else English's, else the
  first given.
- `kind`: `"stock"`, a count on a date (the latest value on or before the report date, per area,
  the finest admin level counted once: like IDPs present) or `"flow"`, new in the period
  (summed from `period_start` to the report date: like new displacement).
- `key_figure`: true makes it a key figure, in the order the declarations are written.
- `rounding`: how its key figure and heading print ("default": `[figures] headline_rounding`).
- `level`: the admin level its values are given at (0: the country); a row at another level is
  an error on its area cell. Unset: any level.

Nothing here knows a crisis: returnees, cases, people in sites, incidents are all indicators.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sitrep.settings.check import Key, Section, flag, one_of, setting, whole
from sitrep.settings.locales import language_of

KINDS = ("stock", "flow")
ROUNDINGS = ("default", "exact", "compact")


def check_label(value: Any) -> list[str]:
    """A label: non-blank text, or a table of non-blank texts keyed by language codes."""
    if isinstance(value, str):
        return [] if value.strip() else ["'' is not a label: write what the report calls it"]
    if not value:
        return ['{} is not a label: give at least one language, e.g. { en = "Returnees" }']
    return [
        f"{lang!r} = {text!r}: expected a text under a language code such as 'en'"
        for lang, text in value.items()
        if not isinstance(text, str) or not text.strip() or not language_of(lang)
    ]


@dataclass(frozen=True, kw_only=True)
class IndicatorSettings:
    """One `[indicators.KEY]` section, each field one key (`sitrep.settings.check`)."""

    label: str | dict[str, str] = setting(
        Key(
            kinds=(str, dict),
            expected='a text, or a table of texts by language: { en = "Returnees" }',
            doc='what the report calls it: a text, or a table by language (`{ en = "Returnees", '
            'pt = "Retornados" }`)',
            required=True,
            check=check_label,
        )
    )
    kind: str = setting(
        Key(
            kinds=(str,),
            expected="'stock' (a count on a date, like IDPs present) or 'flow' (new in the "
            "period, like new displacement)",
            doc='`"stock"`: the latest value on or before the report date per area, the finest '
            'level counted once; `"flow"`: summed over the period',
            required=True,
            choices=KINDS,
        )
    )
    key_figure: bool = flag(False, "true: a key figure, in the order the indicators are declared")
    rounding: str = one_of(
        ROUNDINGS,
        '`"default"` (`[figures] headline_rounding`), `"exact"` or `"compact"`: its key figure '
        "and heading",
    )
    level: int | None = whole(
        None,
        0,
        4,
        "the admin level its values are given at (0: the country); a row at another level is an "
        "error (unset: any level)",
    )


def label_in(settings: IndicatorSettings, locale: str) -> str:
    """The label in the report's language: its own, else English, else the first given."""
    if isinstance(settings.label, str):
        return settings.label.strip()
    labels = {language_of(k) or k: v.strip() for k, v in settings.label.items()}
    for language in (language_of(locale), "en"):
        if language in labels:
            return labels[language]
    return next(iter(labels.values()))


INDICATORS = Section(
    name="indicators",
    doc="each indicator the office tracks, as `[indicators.KEY]`: the KEY is what the "
    "indicators table's `indicator` column says",
    settings=IndicatorSettings,
    each=True,
    optional=True,
)
