"""What `sitrep build`, `build --each` and `publish` say when they are done.

The command line passes its `echo` (`sitrep.cli.say`): the reports' paths go to stdout, one a
line, for scripts; everything else to stderr. Nothing here imports click or pandas.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sitrep.problems import problem_lines

if TYPE_CHECKING:
    from sitrep.issue.batch import BatchResult
    from sitrep.issue.publish import Published
    from sitrep.issue.results import BuildResult

Echo = Callable[..., None]  # echo(text, err=False, fg=None): sitrep.cli.say


def say_built(result: BuildResult, draft: bool, echo: Echo) -> None:
    """`sitrep build`: its warnings and notes, which report it is, then its PDFs."""
    for line in problem_lines(result.problems) if result.problems else []:
        echo(line, err=True)
    for warning in result.render_warnings:
        echo(f"warning: renderer: {warning}", err=True, fg="yellow")
    for note in result.notes:
        echo(f"note: {note}", err=True)
    how = "the latest date in the data" if result.date_was_chosen else "as asked"
    draft = draft or result.draft  # --draft, or a draft awaiting clearance
    kind = "unchanged since issued" if result.reused else ("draft" if draft else "built")
    rev = f", revision {result.revision}" if result.revision else ""
    echo(f"Report No. {result.number}{rev} for {result.date} ({how}), {kind}:", err=True)
    echo(str(result.pdf))  # the first language's; the others follow, one per line
    for other_pdf, _ in list(result.editions.values())[1:]:
        echo(str(other_pdf))


def say_batch(batch: BatchResult, echo: Echo) -> None:
    """`sitrep build --each area`: each area's PDF, then how many were built."""
    for line in problem_lines(batch.problems) if batch.problems else []:
        echo(line, err=True)
    for note in batch.notes:
        echo(f"note: {note}", err=True)
    for report in batch.reports:
        for warning in report.render_warnings:
            echo(f"warning: renderer: {report.name}: {warning}", err=True, fg="yellow")
        echo(str(report.pdf))
    count, reused = len(batch.reports), sum(r.reused for r in batch.reports)
    reports = "1 area report" if count == 1 else f"{count} area reports"
    made = "drafted (not issued)" if batch.draft else "built"  # --draft, or awaiting clearance
    echo(
        f"Report No. {batch.number} for {batch.date}: {reports}, "
        f"{count - reused} {made}, {reused} unchanged since issued.",
        err=True,
    )


def say_published(result: Published, echo: Echo) -> None:
    """`sitrep publish`: the files written, then what the folder holds."""
    for path in result.copied + result.pages:
        echo(str(path))
    echo(
        f"Published {len(result.entries)} issued report(s) in {result.folder}: "
        f"{len(result.copied)} file(s) copied, {result.unchanged} already there, "
        f"{len(result.pages)} of index.html and feed.xml rewritten.",
        err=True,
    )
