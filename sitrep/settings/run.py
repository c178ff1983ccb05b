"""What one run is asked to make: the command line's options beside sitrep.toml (`BuildOptions`).

Here, below every stage, so that the command line and `sitrep.report` can say what to build
without importing the stages: an unchanged `sitrep build` returns the issued report with
neither pandas nor WeasyPrint imported (tests/cli/test_fast_paths.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sitrep.settings.config import InputSource


@dataclass
class BuildOptions:
    """What a run is asked to make: `sitrep build`'s options (and preview's, send's)."""

    workspace: Path
    date: dt.date | None = None
    inputs: dict[str, InputSource] = field(default_factory=dict)  # --input TABLE=PATH
    strict: bool = False  # warnings stop the build too
    revise: bool = False  # issue a revision when the inputs changed since issue
    draft: bool = False  # a draft: not numbered for good, never recorded
    force: bool = False  # rebuild even when nothing changed
    number: int | None = None  # the number, for a date before already issued reports
    today: dt.date | None = None  # the day sitrep runs (from the command line): later is a typo
    reason: str = ""  # --revise --reason: what the revision corrects, on its first page
    cleared_only: bool = False  # `send`: with [report] clearance, NotCleared rather than a draft
