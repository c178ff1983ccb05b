"""Missing is never zero: a total over a missing figure is the total of those given, "at least",
or "--" when none is given; each checked against plain pandas."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from sitrep.figures.access import people_cut_off
from sitrep.figures.compute import compute_figures
from sitrep.render.html import change_text, headline_number, load_messages, make_translator
from sitrep.settings.config import DEFAULT_TEMPLATES
from sitrep.validate.table import Table
from tests.figures.test_figures import blockade, displacement, figures, table
from tests.geo_helpers import CONFIG, afg_gazetteer

D = dt.date
DAY = D(2021, 8, 24)
T = make_translator(load_messages([DEFAULT_TEMPLATES], "en"), "en")


def blockades(*rows: dict) -> Table:
    return table("blockades", list(rows))


def pandas_people_cut_off(frame: pd.DataFrame, day: dt.date) -> tuple[float, bool]:
    """The same figure, independently: blockades in effect on `day`, each area's largest given
    figure, summed; 'at least' when any in effect gives none."""
    in_effect = frame[(frame["start_date"] <= day) & frame["end_date"].isna()]
    people = pd.to_numeric(in_effect["people_affected"], errors="coerce")
    by_area = people.groupby(in_effect["area"]).max()
    return by_area.sum(min_count=1), bool(people.isna().any())


def test_a_blockade_without_its_people_makes_the_total_at_least_not_zero() -> None:
    rows = [
        blockade("B1", "AF0907", D(2021, 8, 21), None, 65000),
        blockade("B2", "AF0907", D(2021, 8, 21), None, None, commodity="fuel"),
        blockade("B3", "AF0908", D(2021, 8, 22), None, None),
        blockade("B4", "AF0901", D(2021, 8, 16), D(2021, 8, 19), 20000, status="lifted"),
    ]
    fig = figures(DAY, blockades=blockades(*rows))
    expected, at_least = pandas_people_cut_off(pd.DataFrame(rows), DAY)
    assert (fig.people_blockaded, fig.people_blockaded_at_least) == (expected, at_least)
    assert (fig.people_blockaded, fig.people_blockaded_at_least) == (65000, True)
    key = next(k for k in fig.key_figures if k.key == "people_blockaded")
    assert key.at_least and key.change is None and key.change_unknown
    assert headline_number(key.value, "exact", T, "en", key.at_least) == "at least 65,000"
    assert change_text(key, T, "en", DAY) == "change not known: a figure is missing"


def test_blockades_none_of_which_gives_people_are_missing_not_zero() -> None:
    rows = [blockade("B1", "AF0907", D(2021, 8, 21), None, None)]
    fig = figures(DAY, blockades=blockades(*rows))
    assert fig.people_blockaded is None and not fig.people_blockaded_at_least
    assert headline_number(fig.people_blockaded, "exact", T, "en") == "--"


def test_no_blockade_is_a_real_zero() -> None:
    assert people_cut_off([]) == (0, False)
    rows = [blockade("B1", "AF0907", D(2021, 8, 1), D(2021, 8, 5), None, status="lifted")]
    fig = figures(DAY, blockades=blockades(*rows))
    assert (fig.people_blockaded, fig.people_blockaded_at_least) == (0, False)


def test_at_least_rounds_down_in_compact_headlines() -> None:
    assert headline_number(1_295_000, "compact", T, "en") == "some 1.3 million"
    assert headline_number(1_295_000, "compact", T, "en", True) == "at least 1.29 million"
    assert headline_number(123_999, "compact", T, "en", True) == "at least 123 thousand"
    french = make_translator(load_messages([DEFAULT_TEMPLATES], "fr"), "fr")
    assert headline_number(1200, "exact", french, "fr", True) == "au moins 1\u202f200"


def test_families_over_rows_giving_none_are_at_least() -> None:
    rows = [
        (D(2021, 8, 20), "AF0907", 10, 70, "S"),
        (D(2021, 8, 21), "AF0907", None, 35, "S"),
        (D(2021, 8, 21), "AF0901", 4, 28, "S"),
        (D(2021, 8, 22), "AF0802", None, 14, "S"),
    ]
    fig = figures(DAY, displacement=displacement(*rows))
    frame = pd.DataFrame(rows, columns=["date", "district", "families", "people", "source"])
    assert fig.families_period == frame["families"].sum() == 14
    assert fig.families_at_least
    areas = {d.pcode: d for p in fig.provinces for d in p.districts}
    by_area = frame.groupby("district")["families"]
    for pcode, area in areas.items():
        given = by_area.get_group(pcode).dropna()
        assert area.families == (int(given.sum()) if len(given) else None), pcode
        assert area.families_at_least == (0 < len(given) < len(by_area.get_group(pcode)))
    assert areas["AF0802"].families is None and not areas["AF0802"].families_at_least


def idps(*rows: tuple) -> Table:
    keys = ("date", "area", "idps", "round", "reason", "operation", "source")
    return table("idps", [dict(zip(keys, r, strict=True)) for r in rows])


def test_an_idp_figure_missing_from_the_round_makes_the_stock_at_least() -> None:
    rows = [
        (D(2021, 6, 30), "AF0907", 2500, "13", "conflict", "Op", "DTM"),
        (D(2021, 6, 30), "AF0907", None, "13", "natural disaster", "Op", "DTM"),
        (D(2021, 6, 30), "AF0901", 4000, "13", "conflict", "Op", "DTM"),
        (D(2021, 6, 30), "AF0908", None, "13", "conflict", "Op", "DTM"),
        (D(2021, 3, 30), "AF0907", 2000, "12", "conflict", "Op", "DTM"),
        (D(2021, 3, 30), "AF0901", 3000, "12", "conflict", "Op", "DTM"),
    ]
    fig = compute_figures({"idps": idps(*rows)}, CONFIG, afg_gazetteer(), DAY)
    frame = pd.DataFrame(rows, columns=["date", "area", "idps", "round", "r", "op", "s"])
    latest = frame[frame["round"] == "13"]
    assert fig.idps.total == latest["idps"].sum() == 6500
    assert fig.idps.at_least
    areas = {a.pcode: a for a in fig.idps.areas}
    assert (areas["AF0907"].idps, areas["AF0907"].at_least) == (2500, True)
    assert (areas["AF0908"].idps, areas["AF0908"].at_least) == (None, False)
    assert (areas["AF0901"].idps, areas["AF0901"].at_least) == (4000, False)
    (group,) = fig.idp_groups
    assert (group.idps, group.at_least) == (6500, True)
    key = next(k for k in fig.key_figures if k.key == "idps_present")
    assert key.at_least and key.change_unknown and key.previous == 5000
