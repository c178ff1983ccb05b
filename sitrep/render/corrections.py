"""What a report prints about corrections: the figures a revision corrects, its reason, and the
earlier reports' figures revised since they were issued (computed by `sitrep.issue.corrections`
from the record; the templates show them in the header and beside each key figure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sitrep.figures.keyfigure import Number


@dataclass(frozen=True)
class Revised:
    """A key figure of an earlier report, moved since it was issued by rows dated `dates`."""

    change: Number  # the figure now, less the figure that report printed
    dates: tuple[dt.date, ...]


@dataclass(frozen=True)
class Corrections:
    reason: str = ""  # `sitrep build --revise --reason "..."`
    # a revision: (key figure, as issued, as now) for each one it corrects
    figures: tuple[tuple[str, int | None, int | None], ...] = ()
    revised: dict[str, Revised] = field(default_factory=dict)  # key figure -> its baseline's
    compared: bool = False  # the revision's figures were compared with those issued before
