"""A setting given once or by language: `crisis = "El Fasher"` or `crisis = { en = "El Fasher",
ar = "الفاشر" }`.

`Texts` is the value as the settings hold it: a plain string means every language; a table is
keyed by language codes Babel knows (`en`, `ar`, `pt_MZ`), and a report in a language takes
that language's text (its full locale's first, then its language's), else the first text given.
`by_language(...)` declares such a key in a section (`sitrep.settings.schema`); `missing`
names the report's languages a table leaves out, for `sitrep validate`'s warning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sitrep.settings.check import Key, Problems, setting
from sitrep.settings.locales import language_of, locale_problem

EXPECTED = 'text, or a table of texts by language such as { en = "...", ar = "..." }'


@dataclass(frozen=True)
class Texts:
    """One text, or texts by language ((language, text) pairs in the order written)."""

    text: str = ""  # the one text for every language ("" when given by language)
    by_language: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, value: str | dict[str, str]) -> Texts:
        if isinstance(value, str):
            return cls(value)
        return cls("", tuple((k.replace("-", "_"), v) for k, v in value.items()))

    def in_language(self, locale: str) -> str:
        """The text for a report in `locale` ('ar_SD', 'en'): the locale's, the language's,
        else the first given."""
        if not self.by_language:
            return self.text
        texts = dict(self.by_language)
        wanted = locale.replace("-", "_")
        if wanted in texts:
            return texts[wanted]
        language = language_of(wanted)
        same = [t for k, t in self.by_language if language_of(k) == language]
        return same[0] if same else self.by_language[0][1]

    def missing(self, locales: Iterable[str]) -> list[str]:
        """The languages of `locales` this table gives no text in ([] for one text)."""
        if not self.by_language:
            return []
        given = {language_of(k) for k, _ in self.by_language}
        return [language_of(x) for x in locales if language_of(x) not in given]

    def __str__(self) -> str:
        return self.text or (self.by_language[0][1] if self.by_language else "")


def _check(each: Callable[[str], Problems] | None) -> Callable[[Any], list[str]]:
    """A text, or a table of texts keyed by language codes, each text checked by `each`."""

    def check(value: str | dict) -> list[str]:
        if isinstance(value, str):
            found = each(value) if each else None
            return [found] if isinstance(found, str) else list(found or [])
        if not value:
            return [f"{{}} is not {EXPECTED}"]
        problems = []
        for code, text in value.items():
            if not isinstance(text, str):
                problems.append(f"{code}: {text!r} is not text")
            elif not language_of(code) or locale_problem(code.replace("-", "_")):
                problems.append(f"{code!r} is not a language code such as 'en' or 'ar'")
            elif each and (found := each(text)):
                problems += [f"{code}: {p}" for p in ([found] if isinstance(found, str) else found)]
        return problems

    return check


texts_problems = _check(None)  # a text or a table of texts by language, anything in them


def by_language(
    doc: str, *, default: str = "", check: Callable[[str], Problems] | None = None
) -> Any:
    """A field of a settings dataclass: a text, or a table of texts by language (`Texts`)."""
    return setting(
        Key(
            kinds=(str, dict),
            expected=EXPECTED,
            doc=doc,
            default=default,
            check=_check(check),
            convert=Texts.of,
        )
    )
