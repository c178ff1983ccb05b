"""The general figures, each checked against plain pandas written here: declared indicators
(a stock, a flow, a breakdown), response against targets by cluster, and HDX HAPI's needs,
funding and operational presence downloads read as they come (tests/fixtures/hapi/).

The expected figures are computed from the CSV files with pandas alone, by the rules the README
states, never with sitrep's own code: parents come from the fixture's own list of states and
localities (indicators, response) or from the download's own admin columns (HAPI).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from sitrep.pipeline import prepare
from sitrep.settings.config import InputSource, load_config
from tests.general_workspace import DAY, HAPI, PREVIOUS, START, STATES, make_sudan

PARENT = {locality: state for state, localities in STATES.items() for locality in localities}


@pytest.fixture(scope="module")
def sudan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sudan(tmp_path_factory.mktemp("sudan"))


@pytest.fixture(scope="module")
def figures(sudan: Path):
    prepared = prepare(load_config(sudan), DAY)
    return prepared.figures["en"]


def _indicators(sudan: Path, key: str) -> pd.DataFrame:
    frame = pd.read_csv(sudan / "indicators.csv", parse_dates=["date"])
    frame["date"] = frame["date"].dt.date
    frame["row"] = frame.index + 2  # the spreadsheet's row: the header is row 1
    return frame[frame["indicator"].str.lower() == key]


def _stock(rows: pd.DataFrame, day: dt.date) -> tuple[float, set[int]]:
    """The latest value of each area on or before `day`: the newest date's areas, then each
    other area's latest figure unless a newer figure covers it; the finest level once; the
    country's own row only when no area is given."""
    rows = rows[rows["date"] <= day]
    newest = rows["date"].max()
    current = rows[rows["date"] == newest]
    current_areas = set(current["area"])
    current = current[~current["area"].isin({PARENT.get(a) for a in current_areas})]
    older = rows[rows["date"] < newest]
    latest = older.groupby("area")["date"].transform("max")
    older = older[older["date"] == latest]
    covered = current_areas | {PARENT.get(a) for a in current_areas}
    older = older[~older["area"].isin(covered) & ~older["area"].map(PARENT).isin(current_areas)]
    older = older[~older["area"].isin({PARENT.get(a) for a in older["area"]})]
    counted = pd.concat([current, older])
    if (counted["area"] != "SDN").any():
        counted = counted[counted["area"] != "SDN"]
    return counted["value"].sum(), set(counted["row"])


def _key(figures, key: str):
    return next(k for k in figures.key_figures if k.key == key)


def test_a_stock_indicator_is_each_areas_latest_value_the_finest_level_once(sudan, figures):
    rows = _indicators(sudan, "returnees")
    value, counted = _stock(rows, DAY)
    previous, _ = _stock(rows, PREVIOUS)
    k = _key(figures, "indicators.returnees")
    assert (k.value, k.previous, k.change) == (value, previous, value - previous)
    assert set(k.rows) == counted  # the rows it was computed from
    assert k.label == "returnees" and k.stock and k.baseline.date == PREVIOUS
    (f,) = [f for f in figures.general.indicators if f.key == "returnees"]
    assert sum(g.idps for g in f.groups) == value  # the table by admin 1 adds up to it
    by_state = rows[rows["row"].isin(counted)].assign(
        state=lambda d: d["area"].map(lambda a: PARENT.get(a, a))
    )
    assert {g.pcode: g.idps for g in f.groups} == by_state.groupby("state")["value"].sum().to_dict()


def test_a_flow_indicator_is_summed_over_the_period(sudan, figures):
    rows = _indicators(sudan, "cholera_cases")
    in_period = rows[(rows["date"] >= START) & (rows["date"] <= DAY)]
    before = rows[(rows["date"] >= START) & (rows["date"] <= PREVIOUS)]
    k = _key(figures, "indicators.cholera_cases")
    assert (k.value, k.previous) == (in_period["value"].sum(), before["value"].sum())
    assert not k.stock and k.since == START
    assert set(k.rows) == set(in_period["row"])
    assert k.as_of == in_period["date"].max()


def test_a_breakdown_gives_the_share_of_women_and_children(sudan, figures):
    rows = _indicators(sudan, "people_in_sites")
    value, counted = _stock(rows, DAY)
    used = rows[rows["row"].isin(counted)].dropna(subset=["women"])
    share = (used["women"] + used["girls"] + used["boys"]).sum() / used[
        ["women", "men", "girls", "boys"]
    ].sum().sum()
    k = _key(figures, "indicators.people_in_sites")
    assert k.value == value
    assert k.women_children == pytest.approx(share)
    (f,) = [f for f in figures.general.indicators if f.key == "people_in_sites"]
    assert (f.breakdown.women, f.breakdown.rows) == (used["women"].sum(), len(used))


def _response(path: Path, day: dt.date) -> pd.DataFrame:
    frame = pd.read_csv(path, parse_dates=["date"])
    frame["date"] = frame["date"].dt.date
    frame["row"] = frame.index + 2
    frame = frame[frame["date"] <= day].fillna({"activity": ""})
    key = ["cluster", "organisation", "area", "activity"]
    frame = frame.sort_values(["date", "row"]).drop_duplicates(key, keep="last")
    # an organisation's state row beside its locality's, for one cluster and activity: once
    group = frame["cluster"] + "|" + frame["organisation"] + "|" + frame["activity"]
    parents = {(g, PARENT.get(a)) for g, a in zip(group, frame["area"], strict=True)}
    keep = [(g, a) not in parents for g, a in zip(group, frame["area"], strict=True)]
    return frame[keep]


def test_response_is_reached_of_targeted_by_cluster(sudan, figures):
    now = _response(sudan / "response.csv", DAY)
    before = _response(sudan / "response.csv", PREVIOUS)
    response = figures.general.response
    assert not response.presence_only and response.baseline == PREVIOUS
    for c in response.clusters:
        rows = now[now["cluster"] == c.cluster]
        earlier = before[before["cluster"] == c.cluster]
        assert c.targeted == rows["targeted"].sum()
        assert c.reached == rows["reached"].sum()  # the rows that give it
        assert c.missing_reached == rows["reached"].isna().sum()
        assert c.percent == pytest.approx(rows["reached"].sum() / rows["targeted"].sum())
        assert set(c.organisations) == set(rows["organisation"])
        assert set(c.areas) == set(rows["area"])
        assert c.previous_reached == (earlier["reached"].sum() if len(earlier) else None)
        assert set(c.rows) == set(rows["row"])
    assert {c.cluster for c in response.clusters} == set(now["cluster"])


def _hapi(name: str) -> pd.DataFrame:
    frame = pd.read_csv(HAPI / name, encoding="utf-8-sig", keep_default_na=False, dtype=str)
    frame["row"] = frame.index + 2
    return frame


def _needs(day: dt.date, status: str = "INN", sector: str = "Intersectoral") -> int:
    """HAPI's rules: the country's rows without an error or a breakdown, the latest period
    started by the day, one sector and status, each area at its finest level once."""
    frame = _hapi("humanitarian-needs-global-v2.csv")
    frame = frame[(frame["location_code"] == "SDN") & (frame["error"] == "")]
    started = frame["reference_period_start"].str[:10] <= day.isoformat()
    frame = frame[(frame["category"] == "") & started]
    frame = frame[frame["reference_period_start"] == frame["reference_period_start"].max()]
    rows = frame[(frame["sector_code"] == sector) & (frame["population_status"] == status)]
    rows = rows.assign(level=rows["admin_level"].astype(int), n=rows["population"].astype(int))
    localities = rows[rows["level"] == 2]
    states = rows[(rows["level"] == 1) & ~rows["admin1_code"].isin(localities["admin1_code"])]
    if len(localities) or len(states):
        return int(localities["n"].sum() + states["n"].sum())
    return int(rows.loc[rows["level"] == 0, "n"].sum())


def test_people_in_need_are_the_intersectoral_figure_at_the_finest_level(figures):
    k = _key(figures, "people_in_need")
    assert k.value == _needs(DAY) and k.period == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert k.previous == _needs(PREVIOUS)  # the same HNO a week earlier: no change
    assert _needs(dt.date(2024, 12, 31)) != _needs(DAY)  # the 2024 HNO: never added to 2025's
    needs = figures.general.needs
    assert needs.targeted == _needs(DAY, "TGT")
    assert needs.reached == _needs(DAY, "REA")
    assert {s.code: s.in_need for s in needs.sectors} == {
        code: _needs(DAY, "INN", code) for code in ("FSC", "HEA", "WSH", "PRO", "PRO-GBV")
    }


def test_funding_is_the_largest_current_appeal_never_added_to_the_others(figures):
    frame = _hapi("funding-global.csv")
    frame = frame[(frame["location_code"] == "SDN") & (frame["error"] == "")]
    current = frame[(frame["reference_period_start"] <= DAY.isoformat())
                    & (frame["reference_period_end"] >= DAY.isoformat())]  # fmt: skip
    main = current.loc[current["requirements_usd"].astype(float).idxmax()]
    k = _key(figures, "funding")
    assert k.value == int(float(main["funding_usd"]))
    assert k.of == int(float(main["requirements_usd"]))
    assert k.value / k.of == pytest.approx(float(main["funding_pct"]) / 100, abs=1e-4)
    assert k.name == main["appeal_name"] and k.rows == (int(main["row"]),)
    assert k.previous is None  # the download says nothing of a week ago
    assert [a.code for a in figures.general.funding.appeals] == list(
        current.sort_values("requirements_usd", key=lambda s: -s.astype(float))["appeal_code"]
    )


def test_hapis_operational_presence_reads_as_the_response_table(sudan):
    config = load_config(sudan)
    path = HAPI / "operational-presence-global.csv"
    prepared = prepare(config, DAY, {"response": InputSource(path)})
    response = prepared.figures["en"].general.response
    frame = _hapi("operational-presence-global.csv")
    frame = frame[(frame["location_code"] == "SDN") & (frame["error"] == "")]
    frame = frame[frame["reference_period_start"] == frame["reference_period_start"].max()]
    expected = frame.groupby("sector_name")["org_acronym"].nunique().to_dict()
    assert response.presence_only
    assert {c.cluster: len(c.organisations) for c in response.clusters} == expected
    areas = frame["admin2_code"].where(frame["admin2_code"] != "", frame["admin1_code"])
    by_sector = areas.groupby(frame["sector_name"]).nunique().to_dict()
    assert {c.cluster: len(c.areas) for c in response.clusters} == by_sector
    assert all(c.reached is None and c.targeted is None for c in response.clusters)
    notes = [p.message for p in prepared.problems if p.code == "hapi-note"]
    assert any("operational presence" in n for n in notes)
    assert any("1 rows of other countries" in n and "TCD" in n for n in notes)


def test_hapis_v1_needs_layout_reads_too(sudan):
    config = load_config(sudan)
    path = HAPI / "humanitarian-needs-v1.csv"
    prepared = prepare(config, DAY, {"needs": InputSource(path)})  # its one period: 2024
    needs = prepared.figures["en"].general.needs
    frame = _hapi("humanitarian-needs-v1.csv")
    plain = frame[(frame["gender"] == "all") & (frame["population_group"] == "all")]
    pin = plain[(plain["sector_code"] == "Intersectoral") & (plain["population_status"] == "INN")]
    assert needs.in_need == pin["population"].astype(int).sum()
