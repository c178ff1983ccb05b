"""Step 4, render: a prepared report as HTML, in each of its languages.

`render` turns what `sitrep.pipeline.prepare` made into the report's HTML (the templates and
their context), without changing it; `render_report` is steps 1-4 at once, as the preview runs
them. `build` lays the HTML out as a PDF afterwards (`sitrep.report`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sitrep.errors import ValidationFailed
from sitrep.pipeline import BuildOptions, Prepared, prepare
from sitrep.problems import Problem
from sitrep.render.catalogue import catalogue_problems, problem_wording
from sitrep.render.context import report_context
from sitrep.render.corrections import Corrections
from sitrep.render.html import render_html
from sitrep.settings.config import Config
from sitrep.validate.table import Table


@dataclass
class Rendered:
    """A report as HTML, before its PDF: what `build` lays out and `preview` shows."""

    html: str
    day: dt.date
    data_latest: dt.date  # the newest date in the data
    number: int
    revision: int
    problems: list[Problem]  # warnings and notes (errors stop before anything is rendered)
    attachments: list  # the input rows used, as CSV files for the PDF
    tables: dict[str, Table]
    prepared: Prepared
    # the report in each language of `[report] languages` after the first: (locale, HTML,
    # attachments), from the same tables and under the same number
    translations: list[tuple[str, str, list]] = field(default_factory=list)


Numbering = Callable[[dt.date], tuple[int, int]]  # report date -> (number, revision)


def render_report(
    config: Config, options: BuildOptions, dirs: list[Path], numbering: Numbering
) -> Rendered:
    """Steps 1-4: load and validate every table, compute the figures, render the HTML.

    Raises ValidationFailed on errors (or on warnings with --strict) and NoDataError when the
    date has no data. `numbering` gives the report's number: `build` reserves it for good,
    `preview` only looks it up.
    """
    prepared = prepare(config, options.date, options.inputs, options.today, strict=options.strict)
    return render(prepared, options, dirs, *numbering(prepared.day))


def render(
    prepared: Prepared,
    options: BuildOptions,
    dirs: list[Path],
    number: int,
    revision: int,
    corrections: Corrections | None = None,
) -> Rendered:
    """Step 4: the report's HTML in each language, from what `prepare` made (left unchanged);
    `corrections`: what it says it corrects (`sitrep.issue.corrections`).

    Its problems are written in the report's language, after a warning for each language whose
    catalogue lacks entries (an error with --strict: never a silent English report)."""
    first = next(iter(prepared.editions.values()))
    missing = catalogue_problems(first)
    if missing and options.strict:
        raise ValidationFailed(missing)
    pages = []
    for locale, config in prepared.editions.items():
        context = report_context(
            config,
            prepared.figures[locale],
            prepared.narratives[locale],
            prepared.tables,
            number,
            revision,
            options,
            boundaries=prepared.boundaries,
            corrections=corrections,
        )
        pages.append((locale, render_html(context, dirs, config.locale), context["attachments"]))
    (_, html, attachments), *translations = pages
    return Rendered(
        html,
        prepared.day,
        prepared.data_latest,
        number,
        revision,
        problem_wording(first).problems(missing + prepared.all_problems),
        attachments,
        prepared.tables,
        prepared,
        translations,
    )
