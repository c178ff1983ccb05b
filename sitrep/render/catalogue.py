"""The report's words: message catalogues (`templates/i18n/<lang>.toml`) and the translator.

The catalogue for a locale is English, overlaid by the language, then by the full locale, each
from sitrep's defaults then the workspace's templates (the workspace has the last word, entry by
entry). An entry may have plural forms (`{ one = "...", other = "..." }`), chosen by a count and
the language's CLDR plural rules (Babel). In a report, the values filled into a message are
isolated from its direction where they may read the other way (`sitrep.render.bidi`).

An entry a language's catalogues lack, or leave empty, is written in English: `missing_entries`
lists those entries, and `catalogue_problems` gives the warning `init`, `validate` and `build`
give (`incomplete-catalogue`) for each of the report's languages that lacks any: never a silent
English report. `problem_wording` is what validation problems are written with: the workspace's
catalogue in its language (`sitrep.problems.Wording`). Nothing here imports Jinja: `sitrep
validate` reads the catalogues without the templates.
"""

from __future__ import annotations

import functools
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from sitrep.errors import RenderError, SitrepError
from sitrep.problems import Message, Problem, ProblemCode, Wording
from sitrep.render.bidi import isolate
from sitrep.render.numerals import localise, numbering_system
from sitrep.safety.placeholders import format_message
from sitrep.settings.config import DEFAULT_TEMPLATES, Config, load_config, template_dirs
from sitrep.settings.languages import editions, language_of, right_to_left

FALLBACK_LANGUAGE = "en"
# CLDR plural categories: a catalogue entry may hold one sub-key per category (`one`, `other`)
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")
Entry = str | dict[str, str]  # a text, or {CLDR plural category: text}


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
                raise RenderError(f"{path}: not valid TOML: {unreadable_toml(exc)}") from None
            if name != FALLBACK_LANGUAGE:  # "" is an entry not translated yet: English is used
                layer = {key: text for key, text in layer.items() if text != ""}
            _check_headers(path, layer)
            _overlay(messages, layer)
    return messages


def unreadable_toml(exc: Exception) -> str:
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

    def digits(self, text: str) -> str:
        """`text`'s digits in the report's (a catalogue's "Admin 2" -> "المستوى الإداري ٢")."""
        return localise(text, self.numbering)


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
