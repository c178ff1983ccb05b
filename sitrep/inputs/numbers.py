"""Numbers as an office writes them: `1.750` is 1,750 in a Portuguese workspace, 1.75 in English.

The workspace's locale (`[report] locale`, else the first of `languages`) says which of "." and
"," is the decimal separator, from Babel's CLDR data; the other one separates thousands, and so
do spaces of any width (`fr`'s narrow no-break space, `pt_MZ`'s no-break space) and apostrophes
(Swiss `1'750`, `1’750`), which are never a decimal separator anywhere. Arabic-Indic digits and
the Arabic decimal and thousands signs (`١٬٧٥٠٫٥`) read too. Thousands come in groups of three
(two after the first group where the locale groups so: `en_IN`'s `1,00,000`).

Nothing is guessed:
- a text the locale's separators cannot read (`1,5` in `en`: a misplaced thousands comma; `1,750.5`
  in `de`, whose decimal separator is the comma) is an error that says how the locale writes it;
- where the locale is not set, "." and "," could each be either: a text only one way can read is
  that number (`1,750.25`, `12.5`, `1.750.000`); one both ways can read (`1.750`: 1750 or 1.75)
  is an error naming both readings, unless only one of them is what the column holds (a count of
  people is a whole number: `1.750` people are 1,750);
- a decimal part of three zeros is read both ways even where the locale is set (`4,000` in `pt`
  could be 4 or 4,000; `1.000` in `en`, 1 or 1,000): it is an error naming both.

`read(text, style, valid, what)` gives the one number the text is, or says why not: a `Message`
of the catalogues' `[problems.number]`, written in the workspace's language when shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale, UnknownLocaleError, numbers

from sitrep.problems import Message

SPACES = " \u00a0\u202f\u2009\u2007\u2008\u200a"  # any width: thousands, never decimals
APOSTROPHES = "'\u2019\u02bc\u00b4"  # Swiss thousands
ARABIC_DECIMAL, ARABIC_GROUP = "\u066b", "\u066c"
MINUS = "-\u2212\u2012\u2013"
GROUP = "g"  # what a space or an apostrophe becomes: a separator of thousands, nothing else
NUMBER_RE = re.compile(r"^[0-9.,g]+$")
EXPONENT_RE = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")  # 1.2E+05, as some programs export

Valid = Callable[[Decimal], bool]
# what a column holds, as the messages say it
PEOPLE = Message("number.people")  # "a whole number of people"
NUMBER = Message("number.number")  # "a number"


@dataclass(frozen=True)
class NumberStyle:
    """How a workspace writes numbers: its decimal separator ("." or ","; None where the locale
    is not set) and its grouping (3, then `secondary` digits)."""

    locale: str | None = None
    decimal: str | None = None
    secondary: int = 3

    @property
    def group(self) -> str | None:
        """The one of "." and "," that separates thousands (None: not set)."""
        return None if self.decimal is None else {".": ",", ",": "."}[self.decimal]

    def example(self, value: int = 1750) -> str:
        """1750 as the locale writes it ("1.750", "1 750"), for messages; plain where unset."""
        if self.locale is None:
            return str(value)
        return numbers.format_decimal(value, locale=self.locale).replace("\u202f", " ")


@lru_cache(maxsize=64)
def number_style(locale: str | None) -> NumberStyle:
    """The style of `locale` ("pt_MZ", "fr", "en"); None: the locale is not set."""
    if not locale:
        return NumberStyle()
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return NumberStyle()
    decimal = numbers.get_decimal_symbol(parsed)
    grouping = parsed.decimal_formats[None].grouping
    return NumberStyle(str(parsed), "," if decimal == "," else ".", grouping[1] or 3)


@dataclass(frozen=True)
class Read:
    """What a text reads as: a number, or why not (`error`, a problem's message)."""

    value: Decimal | None
    error: Message | None = None


TRANSLATE = {ord(c): GROUP for c in SPACES + APOSTROPHES + ARABIC_GROUP}
TRANSLATE[ord(ARABIC_DECIMAL)] = "\x00"  # a decimal separator whatever the locale: see _as


@lru_cache(maxsize=4)
def _thousands(group: str) -> re.Pattern[str]:
    """A whole number in groups of three, separated by `group`, spaces or apostrophes."""
    separators = re.escape(group + SPACES + APOSTROPHES)
    return re.compile(rf"^\s*\d{{1,3}}(?:[{separators}]\d{{3}})+\s*$")


def _normalise(text: str) -> tuple[str, bool] | None:
    """'−1 750,5' -> ('1g750,5', True): digits, "." and ",", spaces and apostrophes as GROUP,
    the Arabic signs as "." and GROUP... None when the text holds anything else."""
    text = text.strip()
    negative = bool(text) and text[0] in MINUS
    if text and text[0] in MINUS + "+":
        text = text[1:].lstrip()
    text = text.translate(TRANSLATE)
    if not text.isascii():
        out = []
        for ch in text:
            if ch.isdigit() and not ch.isascii():
                try:
                    ch = str(int(ch))  # Arabic-Indic, Persian, Devanagari... digits
                except ValueError:
                    return None
            out.append(ch)
        text = "".join(out)
    return (text, negative) if text else None


def _grouped(part: str, secondary: int) -> bool:
    """'1g750' / '1,00,000' split at GROUP: a first group of 1 to 3 (or `secondary`) digits,
    then groups of `secondary`, the last of three."""
    groups = part.split(GROUP)
    if len(groups) == 1:
        return groups[0].isdigit()
    if not all(g.isdigit() for g in groups) or groups[0].startswith("0"):
        return False
    if len(groups[-1]) != 3:
        return False
    # every locale also reads groups of three (an en_IN office may write 1,000,000)
    return any(
        1 <= len(groups[0]) <= size and all(len(g) == size for g in groups[1:-1])
        for size in {3, secondary}
    )


def _as(text: str, decimal: str, secondary: int) -> Decimal | None:
    """`text` (normalised) read with `decimal` as the decimal separator and the other of "."
    and "," separating thousands; None when that reading is not well formed."""
    other = "," if decimal == "." else "."
    text = text.replace(other, GROUP).replace("\x00", decimal)
    whole, point, fraction = text.partition(decimal)
    if point and (not fraction.isdigit() or decimal in fraction):
        return None
    if not whole and point:
        whole = "0"  # ".5"
    if not _grouped(whole, secondary):
        return None
    try:
        return Decimal(whole.replace(GROUP, "") + (("." + fraction) if point else ""))
    except InvalidOperation:
        return None


def _three_decimals(text: str, decimal: str) -> bool:
    """The text has a decimal part of exactly three digits after a first group of 1-3 digits:
    the shape a thousands separator has too ("4,000", "1.750")."""
    head, point, tail = text.partition(decimal)
    return bool(point) and len(tail) == 3 and tail.isdigit() and head.isdigit() and len(head) <= 3


def _plain(value: Decimal) -> str:
    """1750 / 1.75 / 4: a reading as messages show it, without separators."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def read(text: str, style: NumberStyle, valid: Valid, what: Message) -> Read:
    """The number `text` is in `style`, among those `valid` accepts; `what`: what the column
    holds, for messages (`PEOPLE`, `NUMBER`)."""
    if text.isdigit() and text.isascii():  # most cells: no sign, no separator
        value = Decimal(text)
        return Read(value) if valid(value) else Read(None, _invalid(text, value, style, what))
    if style.group and _thousands(style.group).match(text):  # "1,750": the locale's own way
        value = Decimal(re.sub(r"\D", "", text))
        return Read(value) if valid(value) else Read(None, _invalid(text, value, style, what))
    if EXPONENT_RE.match(text.strip()):
        value = Decimal(text.strip())
        if valid(value):
            return Read(value)
        return Read(None, Message("number.exponent", text=repr(text), value=str(value), what=what))
    normalised = _normalise(text)
    if normalised is None or not NUMBER_RE.match(normalised[0].replace("\x00", "")):
        return Read(None, Message("number.expected", what=what, example=style.example()))
    body, negative = normalised
    sign = Decimal(-1 if negative else 1)
    shown = text.strip()
    readings: dict[str, Decimal] = {}  # decimal separator -> the reading it gives
    for decimal in (style.decimal,) if style.decimal else (".", ","):
        reading = _as(body, decimal, style.secondary if style.decimal else 3)
        if reading is not None:
            readings[decimal] = reading * sign
    if style.decimal is not None:
        own = readings.get(style.decimal)
        if own is None:
            return Read(None, _unreadable(shown, style, what))
        other = _as(body, style.group or ",", 3) if _three_decimals(body, style.decimal) else None
        other = None if other is None else other * sign
        whole = own == own.to_integral_value()
        if other is not None and whole and valid(own) and valid(other) and own != other:
            return Read(None, _ambiguous(shown, other, own, style.decimal, style, what))
        return Read(own) if valid(own) else Read(None, _invalid(shown, own, style, what))
    good = {d: v for d, v in readings.items() if valid(v)}
    if len(good) == 2 and good["."] != good[","]:
        sep = "." if shown.rfind(".") > shown.rfind(",") else ","
        other_sep = "," if sep == "." else "."
        return Read(None, _ambiguous(shown, good[other_sep], good[sep], sep, style, what))
    if good:
        return Read(next(iter(good.values())))
    if readings:
        return Read(None, _invalid(shown, next(iter(readings.values())), style, what))
    return Read(None, Message("number.not-a-number", text=repr(shown), what=what))


def _says(style: NumberStyle) -> Message:
    """'in this workspace's locale (pt), a comma "," is the decimal separator; a point ".", a
    space or an apostrophe separates thousands'."""
    return Message(
        "number.says",
        locale=str(style.locale),
        decimal=_separator(style.decimal or "."),
        group=_separator(style.group or ","),
    )


def _separator(sign: str) -> Message:
    return Message("number.point" if sign == "." else "number.comma")


def _unreadable(shown: str, style: NumberStyle, what: Message) -> Message:
    return Message(
        "number.unreadable",
        text=repr(shown),
        says=_says(style),
        example=_locale_decimal(style),
        what=what,
    )


def _locale_decimal(style: NumberStyle) -> str:
    if style.locale is None:
        return "1750.5"
    return numbers.format_decimal(Decimal("1750.5"), locale=style.locale).replace("\u202f", " ")


def _invalid(shown: str, value: Decimal, style: NumberStyle, what: Message) -> Message:
    """What was read and what was expected: '"1.750" reads as 1.75 (in ... en ...); expected
    a whole number of people, like 1,750'."""
    where = Message("number.where", says=_says(style)) if style.locale else ""
    return Message(
        "number.invalid",
        text=repr(shown),
        value=_plain(value),
        where=where,
        what=what,
        example=style.example(),
    )


def _ambiguous(
    shown: str, thousands: Decimal, decimal: Decimal, sep: str, style: NumberStyle, what: Message
) -> Message:
    """Both readings of `shown`, whose `sep` ("." or ",") separates thousands in one and
    decimals in the other, and how to write either unambiguously. The readings are text, not
    numbers: written with the language's separators, 1750 would read as 1,750 or 1.750 again."""
    if style.locale is None:
        reads = {".": ("pt", "en"), ",": ("en", "pt")}[sep]
        fix = Message(
            "number.set-locale",
            first=reads[0],
            second=reads[1],
            thousands=_plain(thousands),
            decimal=_plain(decimal),
        )
    else:
        fix = Message(
            "number.write", example=style.example(int(thousands)), decimal=_plain(decimal)
        )
    return Message(
        "number.ambiguous",
        text=repr(shown),
        thousands=_plain(thousands),
        decimal=_plain(decimal),
        separator=_separator(sep),
        fix=fix,
        what=what,
    )
