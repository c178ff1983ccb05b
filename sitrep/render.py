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
import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.sandbox
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from sitrep.errors import RenderError
from sitrep.safety import format_message

FALLBACK_LANGUAGE = "en"


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
    language = locale.replace("-", "_").split("_")[0]
    names = list(dict.fromkeys([FALLBACK_LANGUAGE, language, locale.replace("-", "_")]))
    messages: dict[str, str] = {}
    for name in names:
        for folder in reversed(dirs):  # defaults first: the workspace has the last word
            path = folder / "i18n" / f"{name}.toml"
            if not path.is_file():
                continue
            try:
                messages.update(_flatten(tomllib.loads(path.read_text(encoding="utf-8"))))
            except tomllib.TOMLDecodeError as exc:
                raise RenderError(f"{path}: not valid TOML: {exc}") from None
    return messages


@dataclass(frozen=True)
class Translator:
    """t("kf.routes_closed", n=3): the message with its {placeholders} filled in.

    A plain object (not a closure) so that what a chart was drawn with, words included, can
    be hashed: `sitrep.charts.memoised` keeps a drawing while its inputs are unchanged.
    """

    messages: dict[str, str]

    def __call__(self, key: str, /, **values: object) -> str:
        if key not in self.messages:
            raise RenderError(f"no message {key!r} in the templates' i18n catalogue")
        try:
            # only {name} placeholders: a catalogue must not walk attributes to the environment
            return format_message(self.messages[key], values)
        except (KeyError, IndexError, ValueError) as exc:
            raise RenderError(f"message {key!r}: bad placeholder {exc}") from None


def make_translator(messages: dict[str, str]) -> Translator:
    return Translator(messages)


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, its keys also naming this environment's kind and Jinja's version.

    Jinja keys compiled code by template name and file only; the key here also says which
    environment compiled it, so code compiled with other settings is never loaded here.
    """

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(f"sitrep-sandboxed {jinja2.__version__}\n{name}", filename)


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


def bytecode_cache() -> jinja2.BytecodeCache | None:
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
    return _BytecodeCache(str(folder))


def make_environment(dirs: list[Path], locale: str) -> jinja2.Environment:
    # Sandboxed: a workspace's template must not reach Python internals (os.environ).
    env = jinja2.sandbox.SandboxedEnvironment(
        bytecode_cache=bytecode_cache(),
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "htm", "xml")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    messages = load_messages(dirs, locale)
    t = make_translator(messages)

    def number(value: int | float | None) -> str:
        """Thousands separators for the locale; '--' for missing (0 stays 0)."""
        return "--" if value is None else format_decimal(value, locale=locale)

    def signed(value: int | None) -> str:
        """+1,200 / −300 / 0; '--' when there is nothing to compare with."""
        if value is None:
            return "--"
        sign = "+" if value > 0 else "-" if value < 0 else ""
        return sign + format_decimal(abs(value), locale=locale)

    def change(value: int | None) -> str:
        if value is None:
            return t("change.new")
        return t("change.none") if value == 0 else signed(value)

    def percent_change(value: float | None) -> str:
        if value is None:
            return "--"
        sign = "+" if value > 0.0005 else "-" if value < -0.0005 else ""
        return sign + format_percent(abs(value), locale=locale)

    def long_date(value: dt.date | None) -> str:
        return "--" if value is None else format_date(value, "d MMMM y", locale=locale)

    def short_date(value: dt.date | None) -> str:
        return "--" if value is None else format_date(value, "d MMM", locale=locale)

    def percent(value: float | None) -> str:
        return "--" if value is None else format_percent(value, locale=locale)

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

    env.filters.update(
        basename=basename,
        number=number,
        signed=signed,
        change=change,
        percent_change=percent_change,
        long_date=long_date,
        short_date=short_date,
        percent=percent,
        dash=dash,
        word=word,
    )

    def page_parts() -> list[str]:
        """The words around the page numbers ("Page ", " of ", ""), for the CSS footer."""
        return t("report.page", page="\x00", pages="\x00").split("\x00")

    env.globals.update(t=t, locale=locale, page_parts=page_parts)
    return env


def render_html(context: dict[str, Any], dirs: list[Path], locale: str) -> str:
    """The report as one HTML document."""
    env = make_environment(dirs, locale)
    try:
        return env.get_template("report.html").render(**context)
    except jinja2.TemplateNotFound as exc:
        looked = ", ".join(map(str, dirs))
        raise RenderError(f"template not found: {exc.name} (looked in {looked})") from None
    except jinja2.UndefinedError as exc:
        raise RenderError(f"a template uses an undefined name: {exc.message}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{exc.filename or exc.name}, line {exc.lineno}: {exc.message}") from None
    except jinja2.exceptions.SecurityError as exc:
        raise RenderError(f"a template tried something unsafe: {exc}") from None


def english_message(key: str, **values: object) -> str:
    """A message from sitrep's default English catalogue, for callers outside the report."""
    from sitrep.config import DEFAULT_TEMPLATES

    return make_translator(load_messages([DEFAULT_TEMPLATES], FALLBACK_LANGUAGE))(key, **values)
