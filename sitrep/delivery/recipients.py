"""Who gets the report: partners read from the distribution list, filtered and de-duplicated."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence

from babel import Locale, UnknownLocaleError

from sitrep.delivery.model import Partner, mailbox_key
from sitrep.errors import SitrepError
from sitrep.safety.addresses import address_character, is_email_address, unsafe_character
from sitrep.settings.languages import language_of

# The spellings the distribution-list sheet accepts (see the `format` vocabulary in schema.py).
_FORMATS = {
    "attach": "attach",
    "attachment": "attach",
    "pdf": "attach",
    "link": "link",
    "url": "link",
}
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def _blank(value: object) -> bool:
    # Spreadsheet readers give NaN (pandas) or None for an empty cell.
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _text(value: object) -> str:
    return "" if _blank(value) else str(value).strip()


def _split_lists(value: object) -> tuple[str, ...]:
    # Validated tables already hold a tuple of names; raw cells hold 'WASH; Health'.
    parts = value if isinstance(value, (list, tuple)) else re.split(r"[;,]", _text(value))
    names = (_text(part) for part in parts)
    return tuple(name for name in names if name)


def partners_from_records(records: list[dict]) -> list[Partner]:
    """Build partners from distribution-list rows; raise SitrepError naming every bad record.

    Record keys: name, email, organisation, lists ('WASH; Health'), format (attach/link, blank =
    attach), language, active (bool or yes/no, blank = yes), and `_row` (the spreadsheet row,
    as validated tables carry it). Without `_row`, records are numbered from 1 in messages.
    Control, format and other invisible characters in an address (NUL, LRM, a soft hyphen ...),
    and control, zero-width and bidi override characters in a name, are refused: they would make
    two addresses look alike, or reach a mail header.
    """
    partners: list[Partner] = []
    problems: list[str] = []
    for number, record in enumerate(records, start=1):
        row = record.get("_row")
        where = f"partners row {row}" if row is not None else f"partner record {number}"
        email = _text(record.get("email"))
        for column, check in (("email", address_character), ("name", unsafe_character)):
            if bad := check(_text(record.get(column))):
                problems.append(f"{where}, column {column}: {bad}; retype the value")
        if not is_email_address(email) and not address_character(email):
            problems.append(f"{where}: email {email!r} is not an email address")
        fmt_text = _text(record.get("format")).lower() or "attach"
        fmt = _FORMATS.get(fmt_text)
        if fmt is None:
            problems.append(f"{where} ({email}): format {fmt_text!r} must be 'attach' or 'link'")
        active_value = record.get("active")
        if isinstance(active_value, bool):
            active = active_value
        elif _blank(active_value) or _text(active_value).lower() in _YES:
            active = True
        elif _text(active_value).lower() in _NO:
            active = False
        else:
            problems.append(f"{where} ({email}): active {active_value!r} must be 'yes' or 'no'")
            active = False
        partners.append(
            Partner(
                name=_text(record.get("name")),
                email=email,
                organisation=_text(record.get("organisation")),
                lists=_split_lists(record.get("lists")),
                format="link" if fmt == "link" else "attach",
                language=_text(record.get("language")) or None,
                active=active,
            )
        )
    if problems:
        raise SitrepError("The distribution list has problems:\n  " + "\n  ".join(problems))
    return partners


def select_recipients(partners: list[Partner], lists: list[str] | None) -> list[Partner]:
    """Active partners on any of `lists` (all lists when None), one per email address.

    List names match case-insensitively. The first record for an address wins, so a person on
    two lists gets one email. Addresses are compared as mail servers compare them
    (model.mailbox_key): 'Ann@Example.org' is 'ann@example.org', 'straße@' is not 'strasse@'.
    An address marked inactive in any record is left out: someone who unsubscribed must not keep
    receiving the report through a duplicate row. An unknown list name raises SitrepError
    naming the known lists.
    """
    known = {name.casefold(): name for p in partners for name in p.lists}
    wanted: set[str] | None = None
    if lists is not None:
        unknown = [name for name in lists if name.strip().casefold() not in known]
        if unknown:
            shown = ", ".join(sorted(known.values(), key=str.casefold)) or "(none)"
            raise SitrepError(
                f"Unknown distribution list {', '.join(map(repr, unknown))}; "
                f"the partner list has: {shown}"
            )
        wanted = {name.strip().casefold() for name in lists}
    unsubscribed = {mailbox_key(p.email) for p in partners if not p.active}
    chosen: list[Partner] = []
    seen: set[str] = set(unsubscribed)
    for partner in partners:
        if wanted is not None and not wanted & {name.casefold() for name in partner.lists}:
            continue
        key = mailbox_key(partner.email)
        if key in seen:
            continue
        seen.add(key)
        chosen.append(partner)
    return chosen


def _fold(text: str) -> str:
    """'Français ' -> 'francais': case and accents ignored, as people type language names."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def partner_language(value: str | None, locales: Sequence[str]) -> int | None:
    """Which of `locales` ('fr', 'en', 'fr_HT') a Language cell asks for, or None (none of them).

    A code in any case ('FR', 'fr-FR', 'fr_HT'), the language's own name ('français'), or its
    name in English or in any of the report's languages ('French', 'francés'), from CLDR.
    """

    if not value or not value.strip():
        return None
    wanted = _fold(value).replace("-", "_")
    folded = [_fold(locale).replace("-", "_") for locale in locales]
    if wanted in folded:
        return folded.index(wanted)
    codes = [language_of(locale) for locale in locales]
    if language_of(wanted) in codes:
        return codes.index(language_of(wanted))
    for index, code in enumerate(codes):
        for display in dict.fromkeys([code, "en", *codes]):
            try:
                name = Locale.parse(display).languages.get(code)
            except (ValueError, UnknownLocaleError):
                continue
            if name and _fold(name) == wanted:
                return index
    return None
