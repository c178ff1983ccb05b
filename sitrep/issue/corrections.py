"""What a report says about corrections: a revision's, and the earlier figures revised since.

Computed from the record of issued reports (`sitrep.issue.content`) once a report has its
number and revision, for `sitrep.render` to print (`Corrections`):

- a revision's first page names the key figures it corrects, as issued and as now, and the
  line given with `sitrep build --revise --reason "..."`;
- a report whose baseline is an earlier report ("+500 since the report of 1 Dec") says when
  the rows dated on or before that report have changed since it was issued, and by how much
  its figure moved: "(figures for 30 Nov revised: -300)", so the change it prints is honest.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sitrep.issue.content import ReportContent, figure_changes, table_rows
from sitrep.issue.entries import Issued, latest_issue
from sitrep.render.corrections import Corrections, Revised

if TYPE_CHECKING:
    from sitrep.figures.compute import Figures
    from sitrep.pipeline import Prepared


def revised_dates(before: ReportContent, prepared: Prepared, day: dt.date) -> tuple[dt.date, ...]:
    """The dates of the rows that the report of `day` counted (recorded in `before`) and that
    read otherwise now, added or removed rows among them, as they were known on `day`."""
    dates: set[str] = set()
    for name, old in before.rows.items():
        if name not in prepared.tables:
            continue
        now = table_rows(name, prepared.tables[name].frame, day)
        old_hashes = {h for _, _, h in old}
        new_hashes = {h for _, _, h in now}
        dates |= {d for _, d, h in old if h not in new_hashes and d}
        dates |= {d for _, d, h in now if h not in old_hashes and d}
    return tuple(sorted(dt.date.fromisoformat(d) for d in dates))


def _revised(record: list[Issued], figures: Figures, prepared: Prepared) -> dict[str, Revised]:
    """Each key figure measured against an earlier report whose own figure has moved since."""
    revised = {}
    for key in figures.key_figures:
        if key.baseline is None or key.baseline.kind != "report" or key.previous is None:
            continue
        issued = latest_issue(record, key.baseline.date)
        before = ReportContent.from_json(issued.content) if issued else None
        if before is None:
            continue
        printed = before.figures.get(key.key)
        if printed is None or printed == key.previous:
            continue
        change = key.previous - printed
        dates = revised_dates(before, prepared, key.baseline.date)
        revised[key.key] = Revised(change, dates)
    return revised


def corrections(
    record: list[Issued],
    prepared: Prepared,
    content: ReportContent,
    revision: int,
    reason: str = "",
) -> Corrections:
    """What the report of `prepared.day`, as revision `revision`, says it corrects."""
    figures = prepared.figures.get(prepared.config.locale)
    if figures is None:
        return Corrections(reason=reason)
    fixed: tuple = ()
    issued = latest_issue(record, prepared.day)
    before = ReportContent.from_json(issued.content) if revision and issued else None
    if before is not None:
        keys = {k.key for k in figures.key_figures}
        fixed = tuple(c for c in figure_changes(before.figures, content.figures) if c[0] in keys)
    return Corrections(reason, fixed, _revised(record, figures, prepared), before is not None)
