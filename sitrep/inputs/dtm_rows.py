"""IOM DTM rows, from one export or several read together, reduced to the `idps` table.

`sitrep.inputs.dtm` reads each file's rows (`DtmRows`: one row per area, date, round and
displacement reason, with its admin level); `combine` puts the files together and applies the
rules (README, "sitrep build"):
- one level: for each reporting date and operation the finest admin level present in any of the
  files is used (districts, else provinces), so a province file and a district file given
  together count no one twice; national rows are never used (the report needs areas);
- the same figure in two files (the mixed file given beside a file of one level) is counted once;
- reasons: the figures of one area, date, round and operation are summed, and the reasons listed.
  A reason whose figure is "Not available" is missing, never 0: it becomes a row of its own
  without a figure, so the area's figure is "--", or "at least" the sum of its other reasons.
A summed row is located at the first file row of its group.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sitrep.problems import Message

KEYS = ["date", "area", "round", "operation"]


@dataclass
class DtmRows:
    """One file's rows of the workspace's country: row, level, date, adm1, adm2, idps (None:
    "Not available"), round, reason, source, operation; and what reading it found."""

    frame: pd.DataFrame
    headers: dict[str, str]  # field -> the file's header
    notes: list[Message] = field(default_factory=list)
    errors: list[tuple[int, str, str, str]] = field(default_factory=list)  # row, header, value


@dataclass
class DtmResult:
    frame: pd.DataFrame  # the idps table's columns, one row per area, date and round
    rows: np.ndarray  # the file row each summed row is located at
    headers: dict[str, str]  # idps column -> the DTM header it came from
    notes: list[Message]  # what was left out, and why
    errors: list[tuple[int, str, str, str]]  # (row, header, value, message)
    files: np.ndarray | None = None  # the file (its index in the parts) of each row; None: one
    error_files: list[int] = field(default_factory=list)  # the file of each error


def combine(parts: list[DtmRows]) -> DtmResult:
    """The idps table from the rows of one or several DTM files (see the module's rules)."""
    frames = [p.frame.assign(file=i) for i, p in enumerate(parts)]
    frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    notes = [n for p in parts for n in p.notes]
    errors = [e for p in parts for e in p.errors]
    error_files = [i for i, p in enumerate(parts) for _ in p.errors]
    if "file" not in frame:
        frame = frame.assign(file=0)
    frame = frame[frame["level"].notna() & frame["date"].notna()]
    frame, level_notes = _one_level_per_date(frame)
    if len(parts) > 1:
        frame, repeated = _once(frame)
        if repeated:
            level_notes.append(Message("dtm-note.repeated", count=repeated))
    summed, missing = _sum_reasons(frame)
    notes += level_notes
    if missing:
        notes.append(Message("dtm-note.missing", count=missing))
    result = pd.DataFrame(
        {
            "date": summed["date"],
            "area": summed["area"],
            "idps": summed["idps"],
            "round": summed["round"],
            "reason": summed["reason"],
            "source": summed["source"],
            "operation": summed["operation"].replace("", None),
        }
    ).astype(object)
    headers = parts[0].headers
    names = {"date": "date", "area": "adm2", "idps": "idps", "round": "round", "reason": "reason"}
    names["operation"] = "operation"
    shown = {k: headers[v] for k, v in names.items() if v in headers}
    shown.setdefault("area", headers.get("adm1", "admin1Pcode"))
    files = summed["file"].to_numpy() if len(parts) > 1 else None
    return DtmResult(
        result.reset_index(drop=True),
        summed["row"].to_numpy(),
        shown,
        notes,
        errors,
        files,
        error_files,
    )


def _one_level_per_date(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Message]]:
    """Keep, for each reporting date, the rows at the finest admin level (1 or 2) present."""
    areas = frame[frame["level"] > 0]
    finest = areas.groupby(["date", "operation"])["level"].transform("max")
    chosen = areas[areas["level"] == finest].copy()
    chosen["area"] = np.where(chosen["level"] == 2, chosen["adm2"], chosen["adm1"])
    dropped = len(frame) - len(chosen)
    notes: list[Message] = []
    if dropped:
        notes.append(Message("dtm-note.levels", count=dropped))
    return chosen, notes


def _once(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The rows of several files, a figure that two files give kept from the first only."""
    key = [*KEYS, "reason"]
    first_file = frame.groupby(key, dropna=False)["file"].transform("min")
    keep = (frame["file"] == first_file).to_numpy()
    return frame[keep], int((~keep).sum())


def _sum_reasons(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """One row per date, area, round and operation with the figures given, summed and their
    reasons listed; one more, without a figure, for its reasons 'Not available'.
    (rows, groups with a figure missing)."""
    columns = ["row", "file", "date", "area", "round", "operation", "idps", "reason", "source"]
    if frame.empty:
        return pd.DataFrame(columns=columns), 0
    frame = frame.assign(idps=pd.to_numeric(frame["idps"], errors="coerce"))
    given = frame[frame["idps"].notna()]
    missing = frame[frame["idps"].isna()]
    summed = pd.concat([_summed(given), _summed(missing)], ignore_index=True)
    summed = summed.sort_values(["file", "row"])
    summed["idps"] = [None if v != v else int(v) for v in summed["idps"]]  # NaN: missing
    summed["date"] = summed["date"].map(_as_date)
    return summed, int(missing.groupby(KEYS, dropna=False).ngroups) if len(missing) else 0


def _summed(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        columns = ["row", "file", *KEYS, "idps", "reason", "source"]
        return pd.DataFrame(columns=columns)
    frame = frame.sort_values(["file", "row"])
    groups = frame.groupby(KEYS, sort=True, dropna=False)
    summed = pd.DataFrame(
        {
            "row": groups["row"].first(),
            "file": groups["file"].first(),
            "idps": groups["idps"].sum(min_count=1),
            "source": groups["source"].first(),
        }
    )
    # The reasons of a group, distinct and sorted (a loop: pandas' per-group join is 10x slower).
    named = frame[frame["reason"] != ""].drop_duplicates([*KEYS, "reason"]).sort_values("reason")
    joined: dict[tuple, list[str]] = {}
    for key, reason in zip(
        zip(*(named[k] for k in KEYS), strict=True), named["reason"], strict=True
    ):
        joined.setdefault(key, []).append(reason)
    summed["reason"] = ["; ".join(joined.get(key, ())) for key in summed.index]
    return summed.reset_index()


def _as_date(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime | pd.Timestamp) else value
