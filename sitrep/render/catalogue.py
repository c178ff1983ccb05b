"""The report's words: message catalogues (`templates/i18n/<lang>.toml`) and the translator.

The catalogue for a locale is English, overlaid by the language, then by the full locale, each
from sitrep's defaults then the workspace's templates (the workspace has the last word, entry by
entry). An entry may have plural forms (`{ one = "...", other = "..." }`), chosen by a count and
the language's CLDR plural rules (Babel). In a report, the values filled into a message are
isolated from its direction where they may read the other way (`sitrep.render.bidi`).
"""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from sitrep.errors import RenderError
from sitrep.render.bidi import isolate
from sitrep.render.numerals import localise, numbering_system
from sitrep.safety.placeholders import format_message
from sitrep.settings.languages import language_of, right_to_left

FALLBACK_LANGUAGE = "en"
# CLDR plural categories: a catalogue entry may hold one sub-key per category (`one`, `other`)
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """{"kf": {"routes_closed": "..."}} -> {"kf.routes_closed": "..."}."""
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


def load_messages(dirs: list[Path], locale: str) -> dict[str, str]:
    """The catalogue for `locale`: English, overlaid by the language, then by the full locale."""
    language = language_of(locale) or FALLBACK_LANGUAGE
    names = list(dict.fromkeys([FALLBACK_LANGUAGE, language, locale.replace("-", "_")]))
    messages: dict[str, str] = {}
    for name in names:
        for folder in reversed(dirs):  # defaults first: the workspace has the last word
            path = folder / "i18n" / f"{name}.toml"
            if not path.is_file():
                continue
            if not path.resolve().is_relative_to(folder.resolve().parent):
                # template_dirs refused such a link already; one made since is refused here
                raise RenderError(f"{path} is a symbolic link out of the workspace")
            try:
                layer = _flatten(tomllib.loads(path.read_text(encoding="utf-8")))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
                raise RenderError(f"{path}: not valid TOML: {_unreadable(exc)}") from None
            _check_headers(path, layer)
            _overlay(messages, layer)
    return messages


def _unreadable(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (byte {exc.start + 1}): save it as UTF-8"
    if isinstance(exc, RecursionError):  # tomllib recurses once per level of nesting
        return "tables or lists nested hundreds of levels deep; a catalogue is [sections] of text"
    return str(exc)


# The messages that become a mail header (the email's subject): one line each, checked as a
# catalogue is read, so that a build stops before it issues a report `send` could not mail.
HEADER_MESSAGES = ("email.title", "email.subject", "email.subject_revision")


def _check_headers(path: Path, layer: dict[str, str]) -> None:
    for key, text in layer.items():
        base, _, form = key.rpartition(".")
        bad = [c for c in text if unicodedata.category(c) in ("Cc", "Zl", "Zp")]
        if bad and (base if form in PLURAL_FORMS else key) in HEADER_MESSAGES:
            raise RenderError(
                f"{path}: {key} holds U+{ord(bad[0]):04X} (a line break or control character), "
                "but it is the email's subject, one line: write it on one line. Nothing was issued"
            )


def _overlay(messages: dict[str, str], layer: dict[str, str]) -> None:
    """`layer` over `messages`; a plain entry replaces plural forms of the same key, and plural
    forms replace a plain entry and all the earlier forms (a workspace's `one`/`other` leave no
    sitrep `many` behind): the later catalogue has the last word either way."""
    for key in layer:
        base, _, form = key.rpartition(".")
        if form in PLURAL_FORMS:
            messages.pop(base, None)
            for plural in PLURAL_FORMS:
                messages.pop(f"{base}.{plural}", None)
        else:
            for plural in PLURAL_FORMS:
                messages.pop(f"{key}.{plural}", None)
    messages.update(layer)


def plural_form(locale: str, count: object) -> str:
    """The CLDR plural category of `count` in `locale` ('one', 'few', 'other', ...)."""
    try:
        rules = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        rules = Locale.parse(FALLBACK_LANGUAGE)
    number = count if isinstance(count, int | float) else 0
    return rules.plural_form(abs(number))


@dataclass(frozen=True)
class Translator:
    """t("kf.routes_closed", n=3): the message with its {placeholders} filled in.

    An entry with plural forms (`[kf.routes_closed]` with `one = ...`, `other = ...`) is chosen
    by `count=` and the language's CLDR plural rules (Babel): "1 key route closed".

    A plain object (not a closure) so that what a chart was drawn with, words included, can
    be hashed: `sitrep.render.drawn.memoised` keeps a drawing while its inputs are unchanged.
    """

    messages: dict[str, str]
    locale: str = FALLBACK_LANGUAGE
    numbering: str = "latn"  # the digits numbers and dates are written in (sitrep.render.numerals)
    # in a report: the values are isolated in a paragraph of this direction ("rtl" or "ltr")
    direction: str = ""

    def __call__(self, key: str, /, **values: object) -> str:
        if key not in self.messages and f"{key}.other" in self.messages:
            form = plural_form(self.locale, values.get("count", 0))
            key = f"{key}.{form}" if f"{key}.{form}" in self.messages else f"{key}.other"
        if key not in self.messages:
            raise RenderError(f"no message {key!r} in the templates' i18n catalogue")
        if self.numbering != "latn":  # a count or a report number in the report's digits
            values = {
                k: localise(str(v), self.numbering) if type(v) is int else v
                for k, v in values.items()
            }
        if self.direction:  # "+4,550", "Al Fasher" in Arabic: each reads in its own order
            rtl = self.direction == "rtl"
            # (not a marker a caller replaces afterwards: page_parts, Wording.html)
            values = {k: v if "\x00" in str(v) else isolate(v, rtl) for k, v in values.items()}
        try:
            # only {name} placeholders: a catalogue must not walk attributes to the environment
            return format_message(self.messages[key], values)
        except (KeyError, IndexError, ValueError) as exc:
            raise RenderError(f"message {key!r}: bad placeholder {exc}") from None


def counted(t: Translator, key: str, n: str, count: int, **values: object) -> tuple[str, str]:
    """A counted phrase split at its number, for a figure shown big beside its words:
    ("260,000", "people newly displaced since 16 Nov"). ("", "حالتا حصار ساريتان") when the
    language's form for `count` says the number in its words (an Arabic dual has no numeral)."""
    text = t(key, n="\x00", count=count, **values)
    forms = [v for k, v in t.messages.items() if k == key or k.rpartition(".")[0] == key]
    if not any("{n}" in form for form in forms):  # words without their number (a workspace's
        return n, text  # caption written before captions carried it): the number beside them
    if "\x00" not in text:
        return "", text
    before, _, after = text.partition("\x00")
    return n, " ".join(f"{before} {after}".split())


def make_translator(
    messages: dict[str, str],
    locale: str = FALLBACK_LANGUAGE,
    digits: str = "default",
    *,
    isolating: bool = False,
) -> Translator:
    """`digits`: `[report] digits` ("default": the locale's own, "latn", "arab"); `isolating`:
    the values are isolated in the locale's direction (a report, an email; not a file name)."""
    direction = ("rtl" if right_to_left(locale) else "ltr") if isolating else ""
    return Translator(messages, locale, numbering_system(locale, digits), direction)
