"""`sitrep init DIR`: a new workspace, ready to fill in and build.

It holds a commented sitrep.toml, a blank workbook (inputs/data.xlsx, one sheet per table, see
`sitrep.workbook`), a copy of sitrep's default templates, and inputs/narrative/ with an example
of the day's words. Nothing that exists is overwritten.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sitrep.config import CONFIG_NAME, DEFAULT_TEMPLATES
from sitrep.errors import WorkspaceError
from sitrep.limits import Limits
from sitrep.schema import SCHEMAS
from sitrep.workbook import write_workbook

WORKBOOK = "inputs/data.xlsx"
EXAMPLE_NARRATIVE = """\
# Highlights
- One line per key message; the most important first.

# Situation overview
What happened since the last report, where, and who is affected. Name sources.

# Response
### Food security
**Needs:** ...
**Response:** ...
**Gaps:** ...
"""
NARRATIVE_README = """\
One Markdown file per report date: YYYY-MM-DD.md (for example 2021-08-24.md).
Sections are level-1 headings: Highlights, Situation overview, Response.
EXAMPLE.md shows the layout; it is not used by any report.
"""


def config_text(country: str, crisis: str) -> str:
    """A commented sitrep.toml whose inputs are the sheets of the blank workbook."""
    inputs = "\n".join(f'{name} = "{WORKBOOK}#{name}"' for name in SCHEMAS)
    limits = "\n".join(f"# {key} = {getattr(Limits(), key)}" for key in Limits.__dataclass_fields__)
    return f"""\
# sitrep workspace settings. Paths are relative to this file.

[report]
country = "{country}"                  # also selects the country's rows of a DTM export
crisis = "{crisis}"
issuing_office = "the Information Management Office"
household_size = 7                     # people per family, to convert families to people
period_start = 2021-08-15              # figures "in the period" count from this date
first_report = 2021-08-15              # the date of the report numbered first_number
first_number = 1
cadence = "daily"                      # "daily", "weekly", or a number of days
locale = "en"                          # dates and numbers: "en", "fr", ...
page_size = "A4"                       # or "Letter"
illustrative = false                   # true: the report says its data is illustrative
stale_days = 3                         # warn when a table's newest row is older than this

[inputs]
# A table comes from a workbook sheet ("file.xlsx#sheet", also .xlsm and .ods) or a CSV file.
# Any table can be read from another file for one run: sitrep build --input idps=dtm.csv
{inputs}
narrative = "inputs/narrative"         # one Markdown file per report date: YYYY-MM-DD.md

[limits]
# What sitrep agrees to read; raise a limit only for a file you trust.
{limits}
"""


def create_workspace(
    directory: Path, country: str = "Afghanistan", crisis: str = "Crisis name"
) -> list[Path]:
    """Create a workspace in `directory` (made if needed); the files created."""
    directory = directory.resolve()
    if (directory / CONFIG_NAME).exists():
        raise WorkspaceError(f"{directory} is already a sitrep workspace (it has {CONFIG_NAME})")
    taken = [p for p in (directory / WORKBOOK, directory / "templates") if p.exists()]
    if taken:
        raise WorkspaceError(
            f"{', '.join(map(str, taken))} already exist; choose an empty folder for the workspace"
        )
    directory.mkdir(parents=True, exist_ok=True)
    (directory / CONFIG_NAME).write_text(config_text(country, crisis), encoding="utf-8")
    write_workbook(directory / WORKBOOK, {name: [] for name in SCHEMAS})
    shutil.copytree(DEFAULT_TEMPLATES, directory / "templates")
    narrative = directory / "inputs" / "narrative"
    narrative.mkdir(parents=True, exist_ok=True)
    (narrative / "EXAMPLE.md").write_text(EXAMPLE_NARRATIVE, encoding="utf-8")
    (narrative / "README.txt").write_text(NARRATIVE_README, encoding="utf-8")
    return [
        directory / CONFIG_NAME,
        directory / WORKBOOK,
        directory / "templates",
        narrative / "EXAMPLE.md",
    ]
