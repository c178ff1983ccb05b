"""The words of a figure: its number in a key figure or heading ("some 1.29 million", "at least
12,000"), its caption, its date ("31 Dec", with the year when it is not the report's) and its
change since its baseline ("+246,364 since round 9 (31 Dec 2024)").

One place for the tile of the PDF and the HTML edition (as filters), the email's lines and the
feed (which reads the edition), so they always agree: a built-in figure is captioned by the
catalogue ("kf.<key>", one counted phrase split at its number), an indicator by its declared
label; funding reads "30 %" of "US$ 1.29 billion required", its change in dollars. Numbers and
dates follow the locale (Babel), in the report's digits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sitrep.render.catalogue import Translator, counted
from sitrep.render.numerals import compact, date, decimal, localise, percent

MONEY = "USD"


Words = Translator  # the report's words (`sitrep.render.catalogue`)


def date_for(
    value: dt.date | None, reference: dt.date | None, locale: str, system: str = "latn"
) -> str:
    """'31 Dec' for a date of the report's year, '31 Dec 2024' for another year; '--' if none."""
    if value is None:
        return "--"
    pattern = "d MMM" if reference is None or value.year == reference.year else "d MMM y"
    return date(value, pattern, locale, system)


def headline_number(
    value: float | None, rounding: str, t: Words, locale: str, at_least: bool = False
) -> str:
    """A key figure or heading number: exact, or "some 1.29 million" with `compact` rounding;
    `at_least`: a total that leaves out missing figures ("at least 12,000", its compact form
    rounded down, never up); "--" when nothing is known."""
    return "".join(headline_parts(value, rounding, t, locale, at_least))


def headline_parts(
    value: float | None, rounding: str, t: Words, locale: str, at_least: bool = False
) -> tuple[str, str, str]:
    """`headline_number` as (the words before the number, the number, the words after): the
    key figures set "at least" apart from the number."""
    if value is None:
        return "", "--", ""
    if rounding != "compact" or abs(value) < 10_000:
        return at_least_parts(decimal(value, locale, t.numbering), at_least, t)
    digits = 2 if abs(value) >= 1_000_000 else 0
    if at_least:  # "at least 1.29 million" must not round 1,295,000 up
        unit = 10 ** max(0, 3 * ((len(str(int(abs(value)))) - 1) // 3) - digits)
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


def is_money(k: Any) -> bool:
    """Funding: an amount in US dollars out of the requirements (`of`)."""
    return getattr(k, "unit", None) == MONEY and getattr(k, "of", None) is not None


def money(value: float | None, t: Words, locale: str) -> str:
    """'US$ 1.29 billion', 'US$ 850,000' (the catalogue's words, the locale's number)."""
    if value is None:
        return "--"
    if abs(value) >= 1_000_000:
        amount = compact(value, locale, t.numbering, 2)
    else:
        amount = decimal(round(value), locale, t.numbering)
    return t("money.usd", amount=amount)


def figure_parts(k: Any, t: Words, locale: str, rounding: str) -> tuple[str, str, str]:
    """The tile's number as (words before, number, words after): a share of requirements for
    funding, else the figure (rounded by its own rule, else `rounding`), "at least" when it
    leaves out missing figures, with an indicator's unit."""
    if k.value is None:
        return "", "--", ""
    if is_money(k):
        return "", percent(k.value / k.of, locale, t.numbering) if k.of else "--", ""
    rule = getattr(k, "rounding", None) or rounding
    at_least = getattr(k, "at_least", False)
    before, number, after = headline_parts(k.value, rule, t, locale, at_least)
    unit = getattr(k, "unit", None)
    return before, f"{number} {unit}" if unit else number, after


def figure_value(k: Any, t: Words, locale: str, rounding: str) -> str:
    """`figure_parts` as one text: "30 %", "at least 12,000", "1,204 cases"."""
    return "".join(figure_parts(k, t, locale, rounding))


def figure_words(k: Any, t: Words, number: Any, start: str) -> tuple[Any, str]:
    """(the number, the caption) of a tile: an indicator's label beside its number; a built-in
    figure's counted phrase split at its number (`counted`: ("", the words) where the words say
    the number, an Arabic dual)."""
    if getattr(k, "label", None):
        return number, k.label
    values: dict[str, object] = {"start": start}
    if is_money(k):
        values |= {
            "required": money(k.of, t, t.locale),
            "received": money(k.value, t, t.locale),
            # isolated: an English appeal name keeps its parentheses in an Arabic caption
            "appeal": f"\u2068{k.name}\u2069" if k.name else "",
        }
    count = int(k.value) if isinstance(k.value, int | float) and not is_money(k) else 0
    return counted(t, f"kf.{k.key}", number, count, **values)


def figure_caption(k: Any, t: Words, start: str) -> str:
    """The caption alone (the rows behind a figure, in the edition)."""
    return figure_words(k, t, "", start)[1]


def figure_change(k: Any, t: Words, locale: str, reference: dt.date | None) -> str:
    """The change, naming its baseline; funding's in dollars ("+US$ 12.5 million since ...")."""
    if not is_money(k) or k.baseline is None or k.change is None:
        return change_text(k, t, locale, reference)
    value = k.change
    sign = "+" if value > 0 else "-" if value < 0 else ""
    change = sign + money(abs(value), t, locale) if value else t("change.none")
    when = date_for(k.baseline.date, reference, locale, t.numbering)
    return t("kf.vs_report", change=change, date=when)


def figure_period(k: Any, t: Words, locale: str, reference: dt.date | None) -> str:
    """ "as of 24 Aug", or the period a figure covers when it has no date of its own."""
    if k.as_of is None and getattr(k, "period", None):
        start, end = k.period
        return t(
            "kf.period",
            start=date_for(start, reference, locale, t.numbering),
            end=date_for(end, reference, locale, t.numbering),
        )
    return t("kf.as_of", date=date_for(k.as_of, reference, locale, t.numbering))
