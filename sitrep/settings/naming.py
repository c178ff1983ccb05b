"""What a report's files are called: `slug_sitrep_DATE_noNN[_revR][_area][_DRAFT][_lang]`.

The render stage names the PDF its HTML edition links to; the issue stage writes the files under
these names; both read it here, below them.
"""

from __future__ import annotations

import datetime as dt

from sitrep.settings.config import Config
from sitrep.settings.languages import file_suffix


def report_name(
    config: Config, day: dt.date, number: int, revision: int, draft: bool, area: str = ""
) -> str:
    """`slug_sitrep_DATE_noNN[_revR][_area][_DRAFT]`, without the extension; `area` a slug."""
    name = f"{config.slug}_sitrep_{day.isoformat()}_no{number:02d}"
    if revision:
        name += f"_rev{revision}"
    if area:
        name += f"_{area}"
    return name + ("_DRAFT" if draft else "") + file_suffix(config)
