"""What a build gives back: the report issued (or drafted, or found unchanged) for a date.

The top layer (`sitrep.report`) makes a `BuildResult`; the stages after issuing (delivery,
preview) and the command line read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.problems import Problem
from sitrep.settings.languages import language_of

if TYPE_CHECKING:  # pandas comes with it: a report returned unchanged never loads it
    from sitrep.pipeline import Prepared


@dataclass
class BuildResult:
    """One date's report: its files, number and revision, and what it was made from."""

    pdf: Path
    html: Path
    date: dt.date
    number: int
    revision: int
    date_was_chosen: bool  # no --date: the latest date in the data
    reused: bool  # nothing changed: the issued report was returned as it is
    problems: list[Problem]
    render_warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # an interrupted build finished or redone
    # every language's (PDF, HTML edition) by language code ("fr"), the first language's
    # included, also for a report in one language (sitrep.settings.languages)
    editions: dict[str, tuple[Path, Path]] = field(default_factory=dict)
    # what the report was made from (`send` writes its emails from it); None when the issued
    # report was returned without loading anything
    prepared: Prepared | None = None
    draft: bool = False  # a draft ([report] clearance makes one until its content is cleared)
    # the Word edition (.docx) in each language that has one ([report] editions), by code
    word: dict[str, Path] = field(default_factory=dict)

    def edition(self, language: str) -> tuple[Path, Path] | None:
        """The (PDF, HTML) in `language` ('fr'), or None when the report is not made in it."""
        if not self.editions:
            return None
        return self.editions.get(language_of(language))
