"""IDPs present: a stock, taken from one assessment (a round of one operation) at a time.

Rules (README, "Figures"):
- An operation is the table's `operation` column (DTM's operation name), else its source. Two
  operations are never added up: each is a stock of its own, and the report's key figure is the
  main one (`main_stock`: the newest round, then the larger total, then the name).
- An assessment is a round of an operation (rows with the same round; the date when no round is
  given), dated by its newest row. The stock as of a day is the operation's latest assessment
  dated on or before the day; rows dated after the day are not counted.
- An area absent from that round is absent, unless `carry_forward`: then its latest earlier
  figure of the same operation is counted, marked carried with its own date.
- Levels: the rows of an assessment may repeat the same people at several admin levels (a
  province row beside its district rows). The finest rows are kept: an area is dropped when
  a row of an area inside it is present.
- Rows of one area in one assessment (one per displacement reason) are summed.
- Missing is never zero: a row of an assessed area without its figure (DTM's "Not available")
  leaves the area's figure unknown ("--"), or "at least" the sum of its other rows, and the
  stock's total is then "at least" the total of the figures given (`at_least`).
- The baseline of a stock is the operation's previous assessment, not the previous report.

The same rules take any stock of the `indicators` table (`sitrep.figures.indicators`): its
values in another column, whole numbers or not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import SupportsFloat

import pandas as pd

from sitrep.geo.gazetteer import Gazetteer
from sitrep.tableschema import ROW
from sitrep.validate.table import Table, assessments, stripped_text

Number = int | float  # a stock's values: whole numbers of people, or any indicator's


@dataclass(frozen=True)
class AreaStock:
    pcode: str
    name: str
    idps: Number | None  # the area's figure (IDPs, an indicator's); None: assessed, without one
    date: dt.date
    round: str | None
    carried: bool = False  # from an earlier round (carry_forward)
    at_least: bool = False  # one of its rows has no figure: the sum of the others


@dataclass(frozen=True)
class Assessment:
    operation: str
    round: str | None
    date: dt.date

    @property
    def key(self) -> str:
        return self.round if self.round else self.date.isoformat()


@dataclass(frozen=True)
class IdpStock:
    """One operation's IDPs present as of the report date, from its latest assessment."""

    operation: str
    sources: tuple[str, ...]
    assessment: Assessment
    total: Number | None  # None: no area of the round has a figure
    areas: tuple[AreaStock, ...]  # largest first
    rows: tuple[int, ...]  # spreadsheet rows counted, carried ones included
    previous: Assessment | None = None  # the baseline: the operation's previous assessment
    previous_total: Number | None = None
    at_least: bool = False  # an area's figure is missing: the total of those given
    previous_at_least: bool = False
    labels: tuple = ()  # the rows counted, as the table's frame labels them
    __template_hidden__ = ("labels",)

    @property
    def as_of(self) -> dt.date:
        return self.assessment.date

    @property
    def carried(self) -> tuple[AreaStock, ...]:
        return tuple(a for a in self.areas if a.carried)

    @property
    def rounds(self) -> tuple[str, ...]:
        return tuple(sorted({a.round for a in self.areas if a.round}))

    @property
    def since(self) -> dt.date:
        return min(a.date for a in self.areas)


def plain_number(value: SupportsFloat) -> Number:
    """A sum as a Python number: an int when whole (people), else a float."""
    number = float(value)
    return int(number) if number.is_integer() else number


def finest_areas(areas: pd.DataFrame, gazetteer: Gazetteer) -> pd.DataFrame:
    """The rows of `areas` (an `area` column) at the finest level: an area is dropped when an
    area inside it is present too (a province row beside its districts repeats them)."""
    return _finest(areas, gazetteer)


def _round_order(key: str) -> tuple[int, float, str]:
    try:
        return (0, float(key), key)
    except ValueError:
        return (1, 0.0, key)


def parent_of(pcode: str, gazetteer: Gazetteer) -> str | None:
    """The area an area lies in, from the gazetteer's list (None at admin 1, or unknown).
    Always a level up (`Gazetteer.parent`): a walk up from an area ends."""
    parent = gazetteer.parent(pcode)
    return parent.pcode if parent is not None else None


def _finest(areas: pd.DataFrame, gazetteer: Gazetteer) -> pd.DataFrame:
    """Drop an area when an area inside it is present too (each level repeats the people)."""
    inside: set[str] = set()
    for pcode in areas["area"].tolist():
        parent = parent_of(pcode, gazetteer)
        while parent and parent not in inside:
            inside.add(parent)
            parent = parent_of(parent, gazetteer)
    # a row of an area the list does not know (a national row) repeats the others' people
    known = areas["area"].map(lambda a: a in gazetteer.areas).to_numpy(dtype=bool)
    keep = ~areas["area"].isin(inside).to_numpy() & (known | (not known.any()))
    return areas[keep]


def _covered(pcode: str, present: set[str], gazetteer: Gazetteer) -> bool:
    """An area, or one of its ancestors, is in `present`."""
    code: str | None = pcode
    while code:
        if code in present:
            return True
        code = parent_of(code, gazetteer)
    return False


def _one_round(rows: pd.DataFrame, gazetteer: Gazetteer) -> pd.DataFrame:
    """Per area: people summed (reasons), the newest day, the round; the finest level."""
    summed = rows.groupby("area", sort=True).agg(
        idps=("_n", "sum"),
        missing=("_missing", "max"),
        known=("_known", "max"),
        day=("_day", "max"),
        round=("_round", "first"),
        _key=("_key", "first"),
    )
    return _finest(summed.reset_index(), gazetteer)


def _total(areas: pd.DataFrame) -> tuple[Number | None, bool]:
    """(the areas' total, at least): missing figures left out, never counted as 0."""
    known = areas["known"].to_numpy(dtype=bool)
    if len(areas) and not known.any():
        return None, False
    return plain_number(areas["idps"].sum()), bool(areas["missing"].any())


def _stock_of(
    op_rows: pd.DataFrame, key: str, gazetteer: Gazetteer, carry_forward: bool
) -> pd.DataFrame:
    """The areas counted for assessment `key` of one operation's rows (carried ones marked)."""
    current = op_rows[op_rows["_key"] == key]
    areas = _one_round(current, gazetteer).assign(carried=False)
    if not carry_forward:
        return areas
    adate = current["_adate"].iloc[0]
    earlier = op_rows[op_rows["_adate"] < adate]
    if earlier.empty:
        return areas
    # each earlier area's latest assessment, then the finest of those not covered now
    latest_key = earlier.sort_values(["_adate", ROW]).groupby("area")["_key"].last()
    picked = earlier[earlier["_key"].to_numpy() == latest_key.reindex(earlier["area"]).to_numpy()]
    old = _one_round(picked, gazetteer)
    present = set(areas["area"])
    below = {parent_of(a, gazetteer) for a in present} - {None}
    old = old[[not _covered(a, present, gazetteer) and a not in below for a in old["area"]]]
    old = _finest(old, gazetteer)
    return pd.concat([areas, old.assign(carried=True)], ignore_index=True)


def _rows_of(op_rows: pd.DataFrame, areas: pd.DataFrame) -> tuple[tuple[int, ...], tuple]:
    """The spreadsheet rows behind `areas`, each area's rows in the assessment it came from,
    and their labels in the table's frame (rows of two files may share a number)."""
    wanted = set(zip(areas["area"].tolist(), areas["_key"].tolist(), strict=True))
    labels = op_rows.index[
        [(a, k) in wanted for a, k in zip(op_rows["area"], op_rows["_key"], strict=True)]
    ]
    rows = tuple(sorted(int(n) for n in op_rows.loc[labels, ROW].tolist()))
    return rows, tuple(labels)


def idp_stocks(
    table: Table,
    gazetteer: Gazetteer,
    day: dt.date,
    carry_forward: bool = False,
    value: str = "idps",
) -> tuple[list[IdpStock], pd.DataFrame]:
    """Each operation's stock as of `day` (main first), and the rows counted. `value`: the
    column of the figures (an indicator's `value`)."""
    frame = table.frame
    mask = frame["date"].notna()  # a row without its figure is an area's missing figure
    frame = frame[mask.to_numpy(dtype=bool)]
    if frame.empty:
        return [], frame
    frame = assessments(frame)
    frame = frame[(frame["_day"] <= day.toordinal()).to_numpy()]
    if frame.empty:
        return [], frame
    frame["_adate"] = frame.groupby(["_op", "_key"])["_day"].transform("max")
    frame["_round"] = stripped_text(frame["round"]).replace("", None) if "round" in frame else None
    figures = pd.to_numeric(frame[value], errors="coerce").astype("float64")
    frame["_missing"], frame["_known"] = figures.isna(), figures.notna()
    figures = figures.fillna(0)
    whole = bool((figures == figures.round()).all())
    frame["_n"] = figures.astype("int64") if whole else figures
    stocks, used = [], []
    for op, op_rows in frame.groupby("_op", sort=True):
        order = (
            op_rows.groupby("_key")["_adate"]
            .max()
            .reset_index()
            .sort_values("_key", key=lambda s: s.map(_round_order))
            .sort_values("_adate", kind="stable")
        )
        keys, dates = list(order["_key"]), list(order["_adate"])
        areas = _stock_of(op_rows, keys[-1], gazetteer, carry_forward)
        previous = previous_total = None
        previous_at_least = False
        if len(keys) > 1:
            before = op_rows[op_rows["_adate"] <= dates[-2]]
            prev_areas = _stock_of(before, keys[-2], gazetteer, carry_forward)
            has_round = bool(before.loc[before["_key"] == keys[-2], "_has_round"].iloc[0])
            previous = Assessment(
                str(op), keys[-2] if has_round else None, dt.date.fromordinal(int(dates[-2]))
            )
            previous_total, previous_at_least = _total(prev_areas)
        has_round = bool(op_rows.loc[op_rows["_key"] == keys[-1], "_has_round"].iloc[0])
        rows, labels = _rows_of(op_rows, areas)
        total, at_least = _total(areas)
        stock = IdpStock(
            str(op),
            tuple(sorted(set(stripped_text(op_rows["source"])) - {""})),
            Assessment(
                str(op), keys[-1] if has_round else None, dt.date.fromordinal(int(dates[-1]))
            ),
            total,
            tuple(
                sorted(
                    (
                        AreaStock(
                            r["area"],
                            gazetteer.name(r["area"]),
                            plain_number(r["idps"]) if r["known"] else None,
                            dt.date.fromordinal(int(r["day"])),
                            r["round"] if isinstance(r["round"], str) else None,
                            bool(r["carried"]),
                            bool(r["known"] and r["missing"]),
                        )
                        for r in areas.to_dict("records")
                    ),
                    key=lambda a: (-(a.idps or 0), a.pcode),
                )
            ),
            rows,
            previous,
            previous_total,
            at_least,
            previous_at_least,
            labels,
        )
        stocks.append(stock)
        used.append(table.frame.loc[list(labels)])
    stocks.sort(key=lambda s: (s.as_of, s.total or 0, s.operation), reverse=True)
    return stocks, pd.concat(used)
