"""Figure computations on small hand-made tables, with hand-checked expectations."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace

import pandas as pd
import pytest

from sitrep.figures.compute import compute_figures, next_report_date, previous_report_date
from sitrep.settings.config import Config
from sitrep.tableschema import ROW
from sitrep.validate.table import Table
from tests.geo_helpers import CONFIG, afg_gazetteer

D = dt.date


def table(name: str, rows: list[dict]) -> Table:
    frame = pd.DataFrame(rows, dtype=object)
    frame[ROW] = range(3, 3 + len(rows))
    return Table(name, f"{name}.csv", None, frame)


def displacement(*rows: tuple) -> Table:
    keys = ("date", "district", "families", "people", "source")
    return table("displacement", [dict(zip(keys, r, strict=True)) for r in rows])


def blockade(id_, area, start, end, people, status="ongoing", commodity="food") -> dict:
    return {"id": id_, "commodity": commodity, "area": area, "place": None, "imposed_by": None,
            "start_date": start, "end_date": end, "people_affected": people, "status": status,
            "source": "S"}  # fmt: skip


def route(route_id, status, since) -> dict:
    return {"route_id": route_id, "route": route_id, "from": "A", "to": "B", "via": None,
            "status": status, "constraint": None, "since": since, "source": "S"}  # fmt: skip


def figures(day: dt.date, config: Config = CONFIG, **tables: Table):
    return compute_figures(tables, config, afg_gazetteer(), day)


def test_previous_and_next_report_dates_follow_the_cadence():
    assert previous_report_date(CONFIG, D(2021, 8, 24)) == D(2021, 8, 23)
    assert previous_report_date(CONFIG, D(2021, 8, 15)) is None
    weekly = replace(CONFIG, cadence_days=7, first_report=D(2021, 8, 2))
    assert previous_report_date(weekly, D(2021, 8, 23)) == D(2021, 8, 16)
    # an extra (flash) report between two weekly dates compares with the last weekly one
    assert previous_report_date(weekly, D(2021, 8, 19)) == D(2021, 8, 16)
    assert next_report_date(weekly, D(2021, 8, 23)) == D(2021, 8, 30)


def test_displacement_in_period_since_previous_and_today():
    disp = displacement(
        (D(2021, 8, 10), "AF0907", None, 999, "S"),  # before the period: not counted
        (D(2021, 8, 20), "AF0907", 10, 70, "S"),
        (D(2021, 8, 23), "AF0907", 5, None, "S"),  # families only: 5 x 7 = 35 people
        (D(2021, 8, 24), "AF0908", None, 100, "S"),
        (D(2021, 8, 24), "AF0801", 2, 14, "S"),
        (D(2021, 8, 25), "AF0907", None, 5000, "S"),  # after the report date: not counted
    )
    fig = figures(D(2021, 8, 24), displacement=disp)
    assert fig.displaced_period == 70 + 35 + 100 + 14
    assert fig.displaced_since_previous == 100 + 14
    assert fig.displaced_today == 114
    assert fig.families_period == 17
    assert fig.estimated_people
    baghlan, panjsher = fig.provinces
    assert (baghlan.pcode, baghlan.people, baghlan.people_since_previous) == ("AF09", 205, 100)
    assert [(d.pcode, d.people) for d in baghlan.districts] == [("AF0907", 105), ("AF0908", 100)]
    assert baghlan.districts[1].families is None  # no family count given: "--", not 0
    assert (panjsher.name, panjsher.people) == ("Panjsher", 14)
    key = {k.key: k for k in fig.key_figures}["displaced_period"]
    assert (key.value, key.previous, key.change) == (219, 105, 114)
    assert key.as_of == D(2021, 8, 24)


def test_first_report_has_no_change_and_no_previous():
    disp = displacement((D(2021, 8, 15), "AF0907", None, 10, "S"))
    fig = figures(D(2021, 8, 15), displacement=disp)
    assert fig.previous_date is None and fig.displaced_since_previous is None
    assert all(k.change is None for k in fig.key_figures)


def test_blockades_days_in_effect_lifted_and_people_counted_once_per_area():
    blocks = table("blockades", [
        blockade("B1", "AF0907", D(2021, 8, 21), None, 65000),
        blockade("B2", "AF0907", D(2021, 8, 21), None, 60000, commodity="fuel"),
        blockade("B3", "AF0901", D(2021, 8, 16), D(2021, 8, 19), 20000, "lifted"),
        blockade("B4", "AF0908", D(2021, 8, 24), None, 30000),
        blockade("B5", "AF0912", D(2021, 8, 1), D(2021, 8, 5), 100, "lifted"),  # before period
        blockade("B6", "AF0912", D(2021, 8, 21), D(2021, 8, 30), 500, "lifted"),  # lifted later
    ])  # fmt: skip
    fig = figures(D(2021, 8, 24), blockades=blocks)
    days = {b.id: b.days for b in fig.blockades}
    assert days == {"B1": 4, "B2": 4, "B6": 4, "B4": 1}  # the first day and the report date
    assert {b.id: b.status for b in fig.blockades}["B6"] == "ongoing"  # not lifted yet on 24th
    assert [(b.id, b.days) for b in fig.lifted] == [("B3", 3)]
    assert fig.people_blockaded == 65000 + 30000 + 500
    assert [b.id for b in fig.blockades if b.new] == ["B4"]
    key = {k.key: k for k in fig.key_figures}
    assert key["people_blockaded"].change == 30000
    assert key["blockades_count"].previous == 3


def test_routes_status_on_the_day_and_changes_since_previous_report():
    routes = table("routes", [
        route("R1", "open", D(2021, 8, 15)),
        route("R1", "closed", D(2021, 8, 24)),
        route("R2", "restricted", D(2021, 8, 17)),
        route("R3", "open", D(2021, 8, 24)),  # a route listed for the first time
        route("R4", "closed", D(2021, 8, 26)),  # after the report date
    ])  # fmt: skip
    fig = figures(D(2021, 8, 24), routes=routes)
    assert [(r.route_id, r.status, r.changed) for r in fig.routes] == [
        ("R1", "closed", True), ("R2", "restricted", False), ("R3", "open", True)
    ]  # fmt: skip
    assert fig.routes[0].previous_status == "open"
    assert fig.routes_by_status == {"open": 1, "open with restrictions": 0, "restricted": 1,
                                    "closed": 1, "unknown": 0}  # fmt: skip
    closed = {k.key: k for k in fig.key_figures}["routes_closed"]
    assert (closed.value, closed.previous) == (1, 0)


@pytest.mark.parametrize("size, expected", [(7, 35), (6, 30)])
def test_household_size_comes_from_the_settings(size, expected):
    disp = displacement((D(2021, 8, 20), "AF0907", 5, None, "S"))
    fig = figures(D(2021, 8, 20), replace(CONFIG, household_size=size), displacement=disp)
    assert fig.displaced_period == expected


def _empty(t: Table) -> Table:
    """The table with its columns and no rows, as a province without such rows gets it."""
    return replace(t, frame=t.frame.iloc[:0])


def test_an_empty_displacement_table_gives_zero_not_an_error():
    disp = _empty(displacement((D(2021, 8, 20), "AF0907", 5, None, "S")))
    fig = figures(D(2021, 8, 20), displacement=disp)
    assert (fig.displaced_period, fig.displaced_today, fig.families_period) == (0, 0, None)
    assert fig.provinces == [] and fig.sources == []
    assert [n for _, n in fig.daily] == [0] * 6  # 15 to 20 August, every day 0
    assert {k.key: k.value for k in fig.key_figures} == {"displaced_period": 0}


def test_empty_price_and_idp_tables_give_no_series_and_no_stock():
    price = {"date": D(2021, 8, 20), "market": "M", "area": "AF0907", "commodity": "food",
             "item": "wheat", "unit": "kg", "currency": "AFN", "price": 10.0,
             "source": "S"}  # fmt: skip
    idp = {"date": D(2021, 8, 20), "area": "AF0907", "idps": 10, "round": "1", "source": "S"}
    prices, idps = _empty(table("prices", [price])), _empty(table("idps", [idp]))
    fig = figures(D(2021, 8, 20), prices=prices, idps=idps)
    assert fig.prices == [] and fig.idps is None and fig.sources == []


def test_the_places_tables_spelling_of_a_district_is_the_one_the_figures_print():
    from sitrep.validate.tables import workspace_gazetteer

    places = table("places", [{"name": "Paghman (district)", "pcode": "AFG 0102", "lat": None,
                               "lon": None, "type": None, "name_local": None,
                               "aliases": "Camp"}])  # fmt: skip
    disp = displacement((D(2021, 8, 20), "AF0102", None, 50, "S"))
    gazetteer = workspace_gazetteer({"places": places}, afg_gazetteer())
    fig = compute_figures({"displacement": disp}, CONFIG, gazetteer, D(2021, 8, 20))
    assert fig.provinces[0].districts[0].name == "Paghman (district)"
    assert gazetteer.resolve("camp").pcode == "AF0102"
    assert workspace_gazetteer({}, afg_gazetteer()).name("AF0102") == "Paghman"
    assert workspace_gazetteer({}, afg_gazetteer()).name("AF0999") == "AF0999"


def test_area_sums_the_other_areas_and_the_sources_match_plain_pandas():
    """Many districts, families or people missing, rows with no source (None and NaN): the
    province and district figures, the "N other areas" line and the sources, against an
    independent computation with plain pandas."""
    gazetteer = afg_gazetteer()
    districts = sorted(a.pcode for a in gazetteer.level(2) if a.parent in ("AF08", "AF09"))
    rng = random.Random(11)
    rows = []
    for _ in range(150):
        families = rng.choice([None, rng.randint(1, 40)])
        people = rng.choice([None, rng.randint(5, 300)]) if families else rng.randint(5, 300)
        day = D(2021, 8, rng.randint(12, 26))  # some before the period, some after the report
        source = rng.choice(["OCHA", "IOM DTM", None, float("nan")])
        rows.append((day, rng.choice(districts), families, people, source))
    disp = displacement(*rows)
    config = replace(CONFIG, figures=replace(CONFIG.figures, top_areas=3))
    day, previous = D(2021, 8, 24), D(2021, 8, 23)
    fig = figures(day, config, displacement=disp)

    frame = disp.frame.copy()
    frame = frame[(frame["date"] >= D(2021, 8, 15)) & (frame["date"] <= day)]
    people = pd.to_numeric(frame["people"])
    frame["n"] = people.fillna(pd.to_numeric(frame["families"]) * 7).astype(int)
    frame["new_n"] = frame["n"].where(frame["date"] > previous, 0)
    frame["est"] = people.isna()
    frame["families"] = pd.to_numeric(frame["families"])
    frame["province"] = frame["district"].str[:4]

    def sums(rows: pd.DataFrame) -> tuple:
        families = rows["families"].dropna()
        fam = int(families.sum()) if len(families) else None
        return int(rows["n"].sum()), int(rows["new_n"].sum()), fam, bool(rows["est"].any())

    def got(a) -> tuple:
        return a.people, a.people_since_previous, a.families, a.estimated

    by_district = frame.groupby("district")["n"].sum()
    shown = set(sorted(by_district.index, key=lambda d: (-by_district[d], d))[:3])
    assert len(fig.provinces) == frame["province"].nunique() == 2
    for province in fig.provinces:
        rows_of = frame[frame["province"] == province.pcode]
        assert got(province) == sums(rows_of)
        assert {d.pcode: got(d) for d in province.districts} == {
            d: sums(r) for d, r in rows_of.groupby("district")
        }
        assert {d.pcode for d in province.shown} == shown & set(rows_of["district"])
        hidden = rows_of[~rows_of["district"].isin(shown)]
        assert province.others == hidden["district"].nunique() > 0
        assert got(province.other) == sums(hidden)

    used = [s for s in fig.sources if s.table == "displacement"]
    expected = frame.groupby(frame["source"].fillna(""), sort=True)
    assert [(s.source, s.rows, s.row_numbers, s.first, s.last) for s in used] == [
        (src, len(r), tuple(r[ROW]), r["date"].min(), r["date"].max()) for src, r in expected
    ]
    assert {s.source for s in used} == {"", "IOM DTM", "OCHA"}
