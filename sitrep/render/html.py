"""Stage 4, render: the figures and narrative merged into the Jinja templates, as HTML.

Templates are looked up in the workspace's `templates/` first, then in sitrep's defaults, so a
workspace overrides any partial or the stylesheet by placing a file of the same name. Autoescape
is on and undefined names are errors: cell text is always text, never markup or a template.

Words come from a message catalogue, `templates/i18n/<lang>.toml` (`sitrep.render.catalogue`:
English first, then the language, then the full locale, each from the defaults then the
workspace), so a workspace can reword one caption or add a language without touching a
template. Dates and numbers are formatted by Babel for the report's locale: a French report
reads "1 200" and "24 août 2021"; in a right-to-left report they are isolated so that each
reads in its own order (`sitrep.render.bidi`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from sitrep.files import private_folder
from sitrep.render.bidi import isolate, isolate_runs, listing, separator
from sitrep.render.catalogue import (
    FALLBACK_LANGUAGE,
    HEADER_MESSAGES,
    PLURAL_FORMS,
    Translator,
    counted,
    load_messages,
    make_translator,
    plural_form,
)
from sitrep.render.figure_text import (
    at_least_text,
    change_text,
    date_for,
    figure_caption,
    figure_change,
    figure_parts,
    figure_period,
    figure_words,
    headline_number,
    headline_parts,
    kf_more,
    money,
)
from sitrep.render.numerals import date, decimal, localise, percent
from sitrep.render.sandbox import SafeLoader, SitrepSandbox, render_template
from sitrep.settings.config import DEFAULT_TEMPLATES
from sitrep.settings.languages import right_to_left
from sitrep.settings.locales import language_tag

# The catalogues are read in sitrep.render.catalogue; their names are used from here too.
__all__ = [
    "FALLBACK_LANGUAGE",
    "HEADER_MESSAGES",
    "PLURAL_FORMS",
    "Translator",
    "change_text",  # (figure_text's, used from here)
    "counted",
    "date_for",
    "headline_number",
    "load_messages",
    "make_translator",
    "plural_form",
    "render_html",
]

PHONE = re.compile(r"\+?[0-9][0-9 ().\-/]{1,30}")  # what a tel: link is made from


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
    if not (private_folder(root) and private_folder(folder)):
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
    t = make_translator(messages, locale, digits, isolating=True)
    system, rtl = t.numbering, right_to_left(locale)

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

    def rounding_of(context: Any) -> str:
        config = context.get("config")
        return config.figures.headline_rounding if config is not None else "exact"

    @jinja2.pass_context
    def short_date(context: Any, value: dt.date | None) -> str:
        """'31 Dec', with the year when it is not the report's: '31 Dec 2024'."""
        return date_for(value, reference(context), locale, system)

    @jinja2.pass_context
    def headline(context: Any, value: int | None, at_least: bool = False) -> str:
        """A number in a key figure or a heading: `[figures] headline_rounding`."""
        return "".join(headline_parts(value, rounding_of(context), t, locale, at_least))

    def start_of(context: Any) -> str:
        fig = context.get("fig")
        return date_for(getattr(fig, "period_start", None), reference(context), locale, system)

    @jinja2.pass_context
    def kf_value(context: Any, k: Any) -> Markup | str:
        """A key figure's number, "at least" in a span of its own (`.at-least`, set smaller)."""
        before, number, after = figure_parts(k, t, locale, rounding_of(context))
        if not (before or after):
            return isolate(number, rtl)
        words = [
            f'<span class="at-least">{escape(w)}</span>' if w.strip() else w
            for w in (before, after)
        ]
        return Markup(words[0] + str(escape(isolate(number, rtl))) + words[1])

    @jinja2.pass_context
    def kf_tile(context: Any, k: Any) -> tuple[Any, str]:
        """(the number, the caption) of a tile (`figure_words`): the number is "" where the
        caption says it (an Arabic dual)."""
        return figure_words(k, t, kf_value(context, k), start_of(context))

    @jinja2.pass_context
    def kf_caption(context: Any, k: Any) -> str:
        return figure_caption(k, t, start_of(context))

    @jinja2.pass_context
    def kf_when(context: Any, k: Any) -> str:
        return figure_period(k, t, locale, reference(context))

    @jinja2.pass_context
    def kf_change(context: Any, k: Any) -> str:
        return figure_change(k, t, locale, reference(context))

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
        kf_tile=kf_tile,
        kf_caption=kf_caption,
        kf_when=kf_when,
        money=lambda value: money(value, t, locale),
        first_upper=lambda text: str(text)[:1].upper() + str(text)[1:],  # a label as a heading
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
    # A number, a date or a sign in a right-to-left report reads in its own order ("+4,550",
    # not "4,550+"), and so does a name of the other direction (`sitrep.render.bidi`).
    for name in ("number", "signed", "change", "percent_change", "long_date", "short_date",
                 "headline", "kf_change", "kf_when", "percent", "digits"):  # fmt: skip
        env.filters[name] = _isolated(env.filters[name], rtl)

    def listed(items: Iterable[object], semicolon: bool = False) -> str:
        """Items joined by the locale's separator ("، " in Arabic), each isolated."""
        return listing(items, locale, rtl, semicolon)

    def runs(html: str) -> Markup:
        """A narrative's safe HTML, its runs of Latin letters and digits isolated (RTL)."""
        return Markup(isolate_runs(str(html)) if rtl else html)

    def count_words(key: str, n: str, count: int | None, **values: object) -> tuple[str, str]:
        """(the number, the words) of a counted phrase, such as a key figure's (`counted`)."""
        return counted(t, key, n, count or 0, **values)

    env.filters.update(isolate=lambda v: isolate(v, rtl), listing=listed, runs=runs)
    env.globals.update(
        t=t,
        locale=locale,
        lang=language_tag(locale),
        page_parts=page_parts,
        rtl=rtl,
        numbering=system,
        comma=separator(locale),
        counted=count_words,
    )
    env.bytecode_cache = bytecode_cache(compile_salt(env))  # before any template is loaded
    return env


def _isolated(filter_: Any, rtl: bool) -> Any:
    """A filter whose text is isolated in a paragraph of the report's direction."""

    @functools.wraps(filter_)  # keeps Jinja's pass_context mark
    def isolated(*args: Any) -> str:
        return isolate(filter_(*args), rtl)

    return isolated


def render_html(
    context: dict[str, Any], dirs: list[Path], locale: str, env: jinja2.Environment | None = None
) -> str:
    """The report as one HTML document; `env` from `make_environment`, to reuse its templates."""
    config = context.get("config")
    env = env or make_environment(dirs, locale, getattr(config, "digits", "default"))
    return render_template(env, "report.html", context, dirs)
