"""Stage 4, render: the figures and narrative merged into the Jinja templates, as HTML.

Templates are looked up in the workspace's `templates/` first, then in sitrep's defaults, so a
workspace overrides any partial or the stylesheet by placing a file of the same name. Autoescape
is on and undefined names are errors: cell text is always text, never markup or a template.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from sitrep.errors import RenderError


def make_environment(dirs: list[Path], locale: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "htm", "xml")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )

    def number(value: int | float | None) -> str:
        """Thousands separators for the locale; '--' for missing (0 stays 0)."""
        return "--" if value is None else format_decimal(value, locale=locale)

    def change(value: int | None, new: str = "new") -> str:
        if value is None:
            return new
        if value == 0:
            return "no change"
        return ("+" if value > 0 else "\u2212") + format_decimal(abs(value), locale=locale)

    def long_date(value: dt.date | None) -> str:
        return "--" if value is None else format_date(value, "d MMMM y", locale=locale)

    def short_date(value: dt.date | None) -> str:
        return "--" if value is None else format_date(value, "d MMM", locale=locale)

    def percent(value: float | None) -> str:
        return "--" if value is None else format_percent(value, locale=locale)

    def dash(value: object) -> object:
        return "--" if value is None or value == "" else value

    env.filters.update(
        number=number,
        change=change,
        long_date=long_date,
        short_date=short_date,
        percent=percent,
        dash=dash,
    )
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
