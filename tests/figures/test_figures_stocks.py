"""IDPs present as a snapshot of one round, checked against plain pandas written here.

The fixture has the quirks of a real DTM table: several rounds with areas entering and leaving,
two operations, rows at three admin levels (country, province, district) repeating the same
people, one row per displacement reason, and a round later than the report date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from sitrep.figures.compute import compute_figures
from sitrep.render.html import change_text, load_messages, make_translator
from sitrep.settings.config import DEFAULT_TEMPLATES
from sitrep.settings.figures import FigureSettings
from sitrep.tableschema import ROW
from sitrep.validate.rules import jump_warnings
from sitrep.validate.table import Table
from tests.geo_helpers import CONFIG, afg_gazetteer

D = dt.date
REPORT = D(2025, 7, 15)
MAIN, QUAKE = "Countrywide monitoring", "Earthquake response"
ROUNDS = {  # operation -> round -> (date, {district: [figures, one per reason]})
    MAIN: {
        "8": (D(2024, 6, 30), {"AF0907": [100], "AF0901": [4000], "AF0801": [700]}),
        "9": (D(2024, 12, 31), {"AF0901": [5000, 200], "AF0903": [150], "AF0801": [900]}),
        # AF0901 leaves, AF0902 enters; AF0907 is back after a round away (no jump warning)
        "10": (D(2025, 6, 30), {"AF0903": [5000], "AF0902": [800, 50], "AF0907": [20000]}),
        "11": (D(2025, 9, 30), {"AF0903": [99999]}),  # later than the report: not counted
    },
    QUAKE: {
        "1": (D(2013, 3, 31), {"AF0907": [3], "AF0301": [400]}),
        "2": (D(2022, 9, 30), {"AF0907": [10], "AF0301": [350]}),
    },
}


def _rows() -> list[dict]:
    """The districts' rows, and the same people again at province and country level."""
    rows = []
    for operation, rounds in ROUNDS.items():
        for rnd, (day, areas) in rounds.items():

            def row(area, n, reason, rnd=rnd, day=day, operation=operation):
                return {"date": day, "area": area, "idps": n, "round": rnd, "reason": reason,
                        "operation": operation, "source": "IOM DTM"}  # fmt: skip

            for area, figures in areas.items():
                rows += [row(area, n, f"reason {i}") for i, n in enumerate(figures)]
            provinces: dict[str, int] = {}
            for area, figures in areas.items():
                provinces[area[:4]] = provinces.get(area[:4], 0) + sum(figures)
            rows += [row(p, n, "all") for p, n in provinces.items()]
            rows.append(row("AF", sum(provinces.values()), "all"))
    return rows


def idps_table() -> Table:
    frame = pd.DataFrame(_rows(), dtype=object)
    frame[ROW] = range(3, 3 + len(frame))
    return Table("idps", "dtm.csv", None, frame, {})


def expected_stock(frame: pd.DataFrame, operation: str, day: dt.date) -> tuple[str, int]:
    """Plain pandas: the operation's latest round on or before `day`, its district rows summed."""
    rows = frame[(frame["operation"] == operation) & (frame["date"] <= day)]
    latest = rows.loc[rows["date"].idxmax(), "round"]
    districts = rows[(rows["round"] == latest) & (rows["area"].str.len() == 6)]
    return latest, int(districts["idps"].sum())


def figures(day=REPORT, **settings):
    config = replace(CONFIG, figures=FigureSettings(**settings), first_report=D(2025, 1, 1))
    return compute_figures({"idps": idps_table()}, config, afg_gazetteer(), day)


def test_the_stock_is_one_round_of_one_operation_as_the_source_totals_it():
    frame = idps_table().frame
    fig = figures()
    latest, total = expected_stock(frame, MAIN, REPORT)
    assert (fig.idps.operation, fig.idps.assessment.round, fig.idps.total) == (MAIN, latest, total)
    # the source's own total at country level, for that round, is the same figure
    national = frame[(frame["area"] == "AF") & (frame["round"] == latest)]
    assert int(national.loc[national["operation"] == MAIN, "idps"].iloc[0]) == total
    # the area that left in round 10 is absent; the later round 11 is not counted
    assert {a.pcode for a in fig.idps.areas} == {"AF0903", "AF0902", "AF0907"}
    # the other operation is a stock of its own, never added in
    ((other),) = fig.idps_other
    assert (other.operation, other.total) == (QUAKE, expected_stock(frame, QUAKE, REPORT)[1])
    (kf,) = [k for k in fig.key_figures if k.key == "idps_present"]
    assert (kf.value, kf.operation, kf.round) == (total, MAIN, "10")


def test_the_stock_changes_against_the_previous_round_of_its_operation():
    frame = idps_table().frame
    fig = figures()
    (kf,) = [k for k in fig.key_figures if k.key == "idps_present"]
    before = expected_stock(frame, MAIN, D(2025, 6, 29))
    assert (kf.baseline.kind, kf.baseline.round, kf.baseline.date) == (
        "round",
        "9",
        D(2024, 12, 31),
    )
    assert kf.change == expected_stock(frame, MAIN, REPORT)[1] - before[1]
    t = make_translator(load_messages([DEFAULT_TEMPLATES], "en"), "en")
    assert change_text(kf, t, "en", REPORT) == f"{kf.change:+,} since round 9 (31 Dec 2024)"
    # the first round has no baseline, and says so
    (first,) = [k for k in figures(D(2024, 7, 1)).key_figures if k.key == "idps_present"]
    assert change_text(first, t, "en", D(2024, 7, 1)) == "no earlier figure"


def test_carry_forward_marks_each_carried_area_with_its_own_round():
    frame = idps_table().frame
    fig = figures(carry_forward=True)
    carried = {a.pcode: (a.round, a.date) for a in fig.idps.carried}
    # AF0901 last seen in round 9, AF0801 in round 9: both carried with their own dates
    assert carried == {"AF0901": ("9", D(2024, 12, 31)), "AF0801": ("9", D(2024, 12, 31))}
    r9 = frame[(frame["operation"] == MAIN) & (frame["round"] == "9")]
    extra = int(r9.loc[r9["area"].isin(["AF0901", "AF0801"]), "idps"].sum())
    assert fig.idps.total == expected_stock(frame, MAIN, REPORT)[1] + extra
    (kf,) = [k for k in fig.key_figures if k.key == "idps_present"]
    assert kf.carried == 2
    # the rows attached are exactly those counted
    used = fig.rows_used("idps")
    counted = frame[
        ((frame["operation"] == MAIN) & (frame["round"] == "10") & (frame["area"].str.len() == 6))
        | ((frame["round"] == "9") & frame["area"].isin(["AF0901", "AF0801"]))
        | ((frame["operation"] == QUAKE) & (frame["round"] == "2") & (frame["area"].str.len() == 6))
    ]
    assert used == set(counted[ROW])


def test_admin1_subtotals_add_up_to_the_total():
    fig = figures()
    assert sum(g.idps for g in fig.idp_groups) == fig.idps.total
    for g in fig.idp_groups:
        assert sum(a.idps for a in g.shown) + g.others_idps == g.idps


def test_jumps_compare_consecutive_rounds_of_one_operation_only():
    problems = jump_warnings(idps_table(), 7)
    # AF0903: 150 in round 9, 5,000 in round 10 (33 times); AF0907 is 20,000 in round 10 but
    # was absent from round 9 and 10 in the other operation: no warning for it
    jumps = {p.message.split(" has ")[0].split()[-1] for p in problems}
    assert jumps == {"AF0903"}
    assert "previous round of Countrywide monitoring (9, 2024-12-31: 150)" in problems[0].message
