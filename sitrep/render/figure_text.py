"""The words of a figure: its number in a key figure or heading ("some 1.29 million", "at least
12,000"), its date ("31 Dec", with the year when it is not the report's) and its change since its
baseline ("+246,364 since round 9 (31 Dec 2024)"). The templates' filters and the email's
summary both write figures with these, so the two always agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from sitrep.render.numerals import compact, date, decimal, localise, percent


class Words(Protocol):
    """A catalogue's translator (`sitrep.render.html.Translator`)."""

    numbering: str

    def __call__(self, key: str, /, **values: object) -> str: ...


def date_for(
    value: dt.date | None, reference: dt.date | None, locale: str, system: str = "latn"
) -> str:
    """'31 Dec' for a date of the report's year, '31 Dec 2024' for another year; '--' if none."""
    if value is None:
        return "--"
    pattern = "d MMM" if reference is None or value.year == reference.year else "d MMM y"
    return date(value, pattern, locale, system)


def headline_number(
    value: int | None, rounding: str, t: Words, locale: str, at_least: bool = False
) -> str:
    """A key figure or heading number: exact, or "some 1.29 million" with `compact` rounding;
    `at_least`: a total that leaves out missing figures ("at least 12,000", its compact form
    rounded down, never up); "--" when nothing is known."""
    return "".join(headline_parts(value, rounding, t, locale, at_least))


def headline_parts(
    value: int | None, rounding: str, t: Words, locale: str, at_least: bool = False
) -> tuple[str, str, str]:
    """`headline_number` as (the words before the number, the number, the words after): the
    key figures set "at least" apart from the number."""
    if value is None:
        return "", "--", ""
    if rounding != "compact" or abs(value) < 10_000:
        return at_least_parts(decimal(value, locale, t.numbering), at_least, t)
    digits = 2 if abs(value) >= 1_000_000 else 0
    if at_least:  # "at least 1.29 million" must not round 1,295,000 up
        unit = 10 ** max(0, 3 * ((len(str(abs(value))) - 1) // 3) - digits)
        value = value // unit * unit
        return at_least_parts(compact(value, locale, t.numbering, digits), True, t)
    return "", t("headline.about", n=compact(value, locale, t.numbering, digits)), ""


def at_least_parts(number: str, at_least: bool, t: Words) -> tuple[str, str, str]:
    """('at least ', '12,000', '') for a total leaving out missing figures (the words around
    the catalogue's {n}: '12 000 على الأقل' puts them after), else ('', the number, '')."""
    if not at_least:
        return "", number, ""
    before, _, after = t("headline.at_least", n="\x00").partition("\x00")
    return before, number, after


def at_least_text(number: str, at_least: bool, t: Words) -> str:
    """'at least 12,000' for a total leaving out missing figures, else the number as it is."""
    return "".join(at_least_parts(number, at_least, t))


def change_text(k: Any, t: Words, locale: str, reference: dt.date | None) -> str:
    """What a key figure's change says, naming its baseline ("+246,364 since round 9 (31 Dec
    2024)", "no change since the report of 23 Jun"), or "no earlier figure"."""
    if k.baseline is not None and getattr(k, "change_unknown", False):
        return t("kf.change_unknown")
    if k.baseline is None or k.change is None:
        return t("kf.no_baseline")
    value = k.change
    sign = "+" if value > 0 else "-" if value < 0 else ""
    change = sign + decimal(abs(value), locale, t.numbering) if value else t("change.none")
    when = date_for(k.baseline.date, reference, locale, t.numbering)
    if k.baseline.kind == "round":
        if k.baseline.round:
            number = localise(str(k.baseline.round), t.numbering)
            return t("kf.vs_round", change=change, round=number, date=when)
        return t("kf.vs_assessment", change=change, date=when)
    return t("kf.vs_report", change=change, date=when)


def kf_more(k: Any, t: Words, locale: str) -> str:
    """What a key figure's caption adds: what a flow is counted by ("counted by area of
    origin") and the share of women and children, each after a middle dot; "" for neither."""
    parts = []
    if basis := getattr(k, "basis", None):
        parts.append(t(f"kf.basis.{basis}"))
    share = getattr(k, "women_children", None)
    if share is not None:
        text = percent(share, locale, t.numbering)
        if known := getattr(k, "sex_age_known", None):
            n = decimal(known, locale, t.numbering)
            parts.append(t("kf.women_children_of", share=text, n=n))
        else:
            parts.append(t("kf.women_children", share=text))
    return "".join(f" \u00b7 {part}" for part in parts)
