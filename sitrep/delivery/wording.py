"""The email's words in the report's language: the `[email]` section of its message catalogue.

Every word of the email (subject, both bodies, the attachment or link line, sizes) comes from
`templates/i18n/<lang>.toml`, so a French report goes out with a French email. Dates and numbers
are formatted by Babel for the report's locale. A ReportEmail without a Translator (tests, tools)
takes sitrep's own catalogue for its language.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import TYPE_CHECKING

from babel.numbers import format_decimal

from sitrep.render import numerals
from sitrep.render.bidi import isolate
from sitrep.render.html import load_messages, make_translator
from sitrep.settings.config import DEFAULT_TEMPLATES

if TYPE_CHECKING:
    from sitrep.delivery.model import ReportEmail
    from sitrep.render.html import Translator


class Html(str):
    """A value already written as HTML: `Wording.html` puts it in unescaped."""


@functools.cache
def default_translator(locale: str) -> Translator:
    """sitrep's own catalogue for `locale` (English under it), read once per process."""
    return make_translator(load_messages([DEFAULT_TEMPLATES], locale), locale, isolating=True)


@dataclass(frozen=True)
class Wording:
    """w("attached", file=..., size=...): the `email.attached` message, for one locale."""

    t: Translator
    locale: str

    def __call__(self, key: str, /, **values: object) -> str:
        return self.t(f"email.{key}", **values)

    def html(self, key: str, /, **values: object) -> str:
        """The message as HTML: its text escaped, Html values put in as they are."""
        # Placeholders become markers that escaping leaves alone, then the values replace them.
        markers = {name: f"\x00{i}\x00" for i, name in enumerate(values)}
        text = escape(self(key, **markers), quote=False)
        for name, marker in markers.items():
            value = values[name]
            if not isinstance(value, Html):  # escaped, and isolated as __call__ would
                rtl = self.t.direction == "rtl"
                value = escape(isolate(value, rtl) if self.t.direction else str(value))
            text = text.replace(marker, value)
        return text

    def date(self, day: date) -> str:
        """'24 August 2021', '24 août 2021', in the report's digits."""
        return numerals.date(day, self("date_pattern"), self.locale, self.t.numbering)

    def number(self, value: int) -> str:
        return numerals.decimal(value, self.locale, self.t.numbering)

    def size(self, num_bytes: int) -> str:
        """'87 KB', '1.4 MB' ('1,4 Mo' in French)."""
        system = self.t.numbering
        if num_bytes >= 1024 * 1024:
            megabytes = format_decimal(num_bytes / (1024 * 1024), "0.0", locale=self.locale)
            return self("size_mb", size=numerals.localise(megabytes, system))
        kilobytes = format_decimal(max(1, round(num_bytes / 1024)), "0", locale=self.locale)
        return self("size_kb", size=numerals.localise(kilobytes, system))


def wording(report: ReportEmail) -> Wording:
    """The words for `report`: its own Translator, else sitrep's catalogue for its language."""
    t = report.words if report.words is not None else default_translator(report.language)
    return Wording(t, report.language)
