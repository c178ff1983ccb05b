"""What a key figure says, in the report's words: its value, its caption, its change.

One place for the tile of the PDF and the HTML edition (as filters), the email's lines and the
feed (which reads the edition): a built-in figure is captioned by the catalogue ("kf.<key>"),
an indicator by its declared label; funding reads "30 %" of "US$ 1.29 billion required", its
change in dollars. Numbers and dates follow the locale (Babel), in the report's digits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sitrep.render.numerals import compact, date, decimal, localise, percent

MONEY = "USD"
# `t`: the report's words (`sitrep.render.html.Translator`), which that module builds its
# filters with from these functions.


def date_for(
    value: dt.date | None, reference: dt.date | None, locale: str, system: str = "latn"
) -> str:
    """'31 Dec' for a date of the report's year, '31 Dec 2024' for another year; '--' if none."""
    if value is None:
        return "--"
    pattern = "d MMM" if reference is None or value.year == reference.year else "d MMM y"
    return date(value, pattern, locale, system)


def headline_number(value: float | None, rounding: str, t: Any, locale: str) -> str:
    """A key figure or heading number: exact, or "some 1.29 million" with `compact` rounding."""
    if value is None:
        return "--"
    if rounding != "compact" or abs(value) < 10_000:
        return decimal(value, locale, t.numbering)
    digits = 2 if abs(value) >= 1_000_000 else 0
    return t("headline.about", n=compact(value, locale, t.numbering, digits))


def change_text(k: Any, t: Any, locale: str, reference: dt.date | None) -> str:
    """What a key figure's change says, naming its baseline ("+246,364 since round 9 (31 Dec
    2024)", "no change since the report of 23 Jun"), or "no earlier figure"."""
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


def is_money(k: Any) -> bool:
    """Funding: an amount in US dollars out of the requirements (`of`)."""
    return k.unit == MONEY and getattr(k, "of", None) is not None


def money(value: float | None, t: Any, locale: str) -> str:
    """'US$ 1.29 billion', 'US$ 850,000' (the catalogue's words, the locale's number)."""
    if value is None:
        return "--"
    if abs(value) >= 1_000_000:
        amount = compact(value, locale, t.numbering, 2)
    else:
        amount = decimal(round(value), locale, t.numbering)
    return t("money.usd", amount=amount)


def figure_value(k: Any, t: Any, locale: str, rounding: str) -> str:
    """The tile's number: a share of requirements for funding, else the figure (rounded by its
    own rule, else `rounding`), with an indicator's unit."""
    if k.value is None:
        return "--"
    if is_money(k):
        return percent(k.value / k.of, locale, t.numbering) if k.of else "--"
    text = headline_number(k.value, k.rounding or rounding, t, locale)
    return f"{text} {k.unit}" if k.unit else text


def figure_caption(k: Any, t: Any, start: str) -> str:
    """The caption: an indicator's label, or the catalogue's words for a built-in figure."""
    if k.label:
        return k.label
    values: dict[str, object] = {"start": start, "count": k.value or 0}
    if is_money(k):
        values |= {
            "required": money(k.of, t, t.locale),
            "received": money(k.value, t, t.locale),
            # isolated: an English appeal name keeps its parentheses in an Arabic caption
            "appeal": f"\u2068{k.name}\u2069" if k.name else "",
        }
    return t(f"kf.{k.key}", **values)


def figure_change(k: Any, t: Any, locale: str, reference: dt.date | None) -> str:
    """The change, naming its baseline; funding's in dollars ("+US$ 12.5 million since ...")."""
    if not is_money(k) or k.baseline is None or k.change is None:
        return change_text(k, t, locale, reference)
    value = k.change
    sign = "+" if value > 0 else "-" if value < 0 else ""
    change = sign + money(abs(value), t, locale) if value else t("change.none")
    when = date_for(k.baseline.date, reference, locale, t.numbering)
    return t("kf.vs_report", change=change, date=when)


def figure_period(k: Any, t: Any, locale: str, reference: dt.date | None) -> str:
    """ "as of 24 Aug", or the period a figure covers when it has no date of its own."""
    if k.as_of is None and k.period:
        start, end = k.period
        return t(
            "kf.period",
            start=date_for(start, reference, locale, t.numbering),
            end=date_for(end, reference, locale, t.numbering),
        )
    return t("kf.as_of", date=date_for(k.as_of, reference, locale, t.numbering))
