"""Stage 4, render: the figures and narrative merged into the Jinja templates, as HTML.

Templates are looked up in the workspace's `templates/` first, then in sitrep's defaults, so a
workspace overrides any partial or the stylesheet by placing a file of the same name. Autoescape
is on and undefined names are errors: cell text is always text, never markup or a template.

Words come from a message catalogue, `templates/i18n/<lang>.toml` (English first, then the
language, then the full locale, each from the defaults then the workspace), so a workspace can
reword one caption or add a language without touching a template. Dates and numbers are
formatted by Babel for the report's locale: a French report reads "1 200" and "24 août 2021".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale, UnknownLocaleError
from markupsafe import Markup, escape

from sitrep.errors import RenderError
from sitrep.render.figure_text import (
    at_least_text,
    change_text,
    date_for,
    headline_number,
    headline_parts,
    kf_more,
)
from sitrep.render.numerals import date, decimal, localise, numbering_system, percent
from sitrep.render.sandbox import SafeLoader, SitrepSandbox, render_template
from sitrep.safety.placeholders import format_message
from sitrep.settings.config import DEFAULT_TEMPLATES
from sitrep.settings.languages import language_of, right_to_left

__all__ = ["change_text", "date_for", "headline_number"]  # (figure_text's, used from here)

FALLBACK_LANGUAGE = "en"
PHONE = re.compile(r"\+?[0-9][0-9 ().\-/]{1,30}")  # what a tel: link is made from
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
        try:
            # only {name} placeholders: a catalogue must not walk attributes to the environment
            return format_message(self.messages[key], values)
        except (KeyError, IndexError, ValueError) as exc:
            raise RenderError(f"message {key!r}: bad placeholder {exc}") from None


def make_translator(
    messages: dict[str, str], locale: str = FALLBACK_LANGUAGE, digits: str = "default"
) -> Translator:
    """`digits`: `[report] digits` ("default": the locale's own, "latn", "arab")."""
    return Translator(messages, locale, numbering_system(locale, digits))


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, its keys also naming this environment's kind and Jinja's version.

    Jinja keys compiled code by template name and file only; the key here also says which
    environment compiled it, so code compiled with other settings is never loaded here.
    """

    def __init__(self, directory: str, salt: str = "") -> None:
        super().__init__(directory)
        self.salt = salt

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        key = f"sitrep-sandboxed-2 {jinja2.__version__} {self.salt}\n{name}"  # 2: SitrepSandbox
        return super().get_cache_key(key, filename)


def compile_salt(env: jinja2.Environment) -> str:
    """What compiled code depends on beyond the template's source: the filters and tests by
    name and how each is called (Jinja compiles a `pass_context` filter's call differently), so
    code compiled by another sitrep, whose filters differ, is never loaded."""
    parts = [type(env).__qualname__]
    for kind, table in (("filter", env.filters), ("test", env.tests)):
        for name in sorted(table):
            passes = getattr(table[name], "jinja_pass_arg", None)
            parts.append(f"{kind}:{name}:{getattr(passes, 'name', '')}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _private_folder(path: Path) -> bool:
    """`path` exists or is created as a folder only this user can read or write (0700)."""
    try:
        path.mkdir(mode=stat.S_IRWXU, parents=True, exist_ok=True)
        info = os.lstat(path)
    except OSError:
        return False
    owner_only = not info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISDIR(info.st_mode) and owner_only and mine


def bytecode_cache(salt: str = "") -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs, in the user's own cache folder; None if unusable.

    Compiling the templates is most of rendering's cost in a fresh process. The cache lives in
    `$SITREP_CACHE_DIR`, else `$XDG_CACHE_HOME/sitrep`, else `~/.cache/sitrep` (`jinja2/`), never
    in a workspace: loaded bytecode runs as Python, outside the sandbox, so it must come only
    from a folder this user alone can write. An entry is used only while its template's source
    is unchanged (Jinja checks a checksum of the source), and by the same Python version.
    """
    try:
        if custom := os.environ.get("SITREP_CACHE_DIR"):
            root = Path(custom)
        else:
            root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sitrep"
    except RuntimeError:  # no home folder
        return None
    folder = root / "jinja2"
    if not (_private_folder(root) and _private_folder(folder)):
        return None
    return _BytecodeCache(str(folder), salt)


def make_environment(dirs: list[Path], locale: str, digits: str = "default") -> jinja2.Environment:
    """The one environment a workspace's templates are rendered in (`sitrep.render.sandbox`)."""
    # A template may be a link inside the workspace (the folder holding templates/), or into
    # sitrep's own templates; never to a file elsewhere.
    allowed = [d.parent if d != DEFAULT_TEMPLATES else d for d in dirs] + [DEFAULT_TEMPLATES]
    env = SitrepSandbox(
        loader=SafeLoader(dirs, allowed),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "htm", "xml")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    messages = load_messages(dirs, locale)
    t = make_translator(messages, locale, digits)
    system = t.numbering

    def number(value: int | float | None, at_least: bool = False) -> str:
        """Thousands separators for the locale; '--' for missing (0 stays 0); `at_least`: a
        total leaving out missing figures ("at least 1,200")."""
        return "--" if value is None else at_least_text(decimal(value, locale, system), at_least, t)

    def signed(value: int | None) -> str:
        """+1,200 / −300 / 0; '--' when there is nothing to compare with."""
        if value is None:
            return "--"
        sign = "+" if value > 0 else "-" if value < 0 else ""
        return sign + decimal(abs(value), locale, system)

    def change(value: int | None) -> str:
        if value is None:
            return t("change.new")
        return t("change.none") if value == 0 else signed(value)

    def percent_change(value: float | None) -> str:
        if value is None:
            return "--"
        sign = "+" if value > 0.0005 else "-" if value < -0.0005 else ""
        return sign + percent(abs(value), locale, system)

    def long_date(value: dt.date | None) -> str:
        return "--" if value is None else date(value, "d MMMM y", locale, system)

    def reference(context: Any) -> dt.date | None:
        fig = context.get("fig")
        return getattr(fig, "report_date", None)

    @jinja2.pass_context
    def short_date(context: Any, value: dt.date | None) -> str:
        """'31 Dec', with the year when it is not the report's: '31 Dec 2024'."""
        return date_for(value, reference(context), locale, system)

    @jinja2.pass_context
    def headline(context: Any, value: int | None, at_least: bool = False) -> str:
        """A number in a key figure or a heading: `[figures] headline_rounding`."""
        config = context.get("config")
        rounding = config.figures.headline_rounding if config is not None else "exact"
        return "".join(headline_parts(value, rounding, t, locale, at_least))

    @jinja2.pass_context
    def kf_value(context: Any, value: int | None, at_least: bool = False) -> Markup | str:
        """A key figure's number, "at least" in a span of its own (`.at-least`, set smaller)."""
        config = context.get("config")
        rounding = config.figures.headline_rounding if config is not None else "exact"
        before, number, after = headline_parts(value, rounding, t, locale, at_least)
        if not (before or after):
            return number
        words = [
            f'<span class="at-least">{escape(w)}</span>' if w.strip() else w
            for w in (before, after)
        ]
        return Markup(words[0] + str(escape(number)) + words[1])

    @jinja2.pass_context
    def kf_change(context: Any, k: Any) -> str:
        return change_text(k, t, locale, reference(context))

    def kf_caption_more(k: Any) -> str:
        return kf_more(k, t, locale)

    def share(value: float | None) -> str:
        return "--" if value is None else percent(value, locale, system)

    def dash(value: object) -> object:
        return "--" if value is None or value == "" else value

    def word(value: str | None, vocabulary: str) -> str:
        """A controlled-vocabulary word ('closed') in the report's language."""
        if value is None or value == "":
            return "--"
        key = f"{vocabulary}.{value.replace(' ', '_').replace('/', '_')}"
        return t(key) if key in messages else value  # a word the catalogue lacks stays as is

    def basename(path: str) -> str:
        """'inputs/data.xlsx' -> 'data.xlsx': readers see the file's name, not a path."""
        return str(path).replace("\\", "/").rsplit("/", 1)[-1]

    def tel_href(phone: object) -> str:
        """'+509 3700 0000' -> 'tel:+50937000000'; '' unless the cell reads as a phone number
        (a partner's cell must not become any other kind of link)."""
        text = str(phone or "").strip()
        if not PHONE.fullmatch(text) or sum(ch.isdigit() for ch in text) < 3:
            return ""
        return "tel:" + re.sub(r"[^0-9+]", "", text)

    env.filters.update(
        basename=basename,
        tel_href=tel_href,
        number=number,
        signed=signed,
        change=change,
        percent_change=percent_change,
        long_date=long_date,
        short_date=short_date,
        headline=headline,
        kf_change=kf_change,
        kf_more=kf_caption_more,
        kf_value=kf_value,
        percent=share,
        dash=dash,
        word=word,
    )

    def page_parts() -> list[str]:
        """The words around the page numbers ("Page ", " of ", ""), for the CSS footer."""
        return t("report.page", page="\x00", pages="\x00").split("\x00")

    def digits_of(value: object) -> str:
        """A count or round number written in the report's digits ('12' -> '١٢')."""
        return localise(str(value), system)

    env.filters.update(digits=digits_of)
    env.globals.update(
        t=t, locale=locale, page_parts=page_parts, rtl=right_to_left(locale), numbering=system
    )
    env.bytecode_cache = bytecode_cache(compile_salt(env))  # before any template is loaded
    return env


def render_html(
    context: dict[str, Any], dirs: list[Path], locale: str, env: jinja2.Environment | None = None
) -> str:
    """The report as one HTML document; `env` from `make_environment`, to reuse its templates."""
    config = context.get("config")
    env = env or make_environment(dirs, locale, getattr(config, "digits", "default"))
    return render_template(env, "report.html", context, dirs)
