"""Where people are, not only where they came from: tables by area of origin and by hosting
area, what the key figure counts by, and the share of women and children; each checked against
plain pandas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from sitrep.figures.compute import compute_figures
from sitrep.geo.gazetteer import Gazetteer
from sitrep.inputs.load import load_table
from sitrep.issue.subset import AreaSplit, areas_in
from sitrep.render.figure_text import kf_more
from sitrep.render.html import load_messages, make_translator
from sitrep.settings.config import DEFAULT_TEMPLATES, InputSource
from sitrep.validate.tables import validate_table
from tests.figures.test_figures import table
from tests.geo_helpers import CONFIG, afg_gazetteer

D = dt.date
DAY = D(2021, 8, 24)
KEYS = ("date", "district", "destination_pcode", "families", "people", "women", "men",
        "children", "source")  # fmt: skip
ROWS = [
    (D(2021, 8, 20), "AF0907", "AF0901", 10, 70, 30, 10, 30, "S"),
    (D(2021, 8, 21), "AF0907", "AF0906", None, 35, None, None, None, "S"),
    (D(2021, 8, 22), "AF0908", "AF0901", 4, 28, 12, 6, 10, "S"),
    (D(2021, 8, 23), "AF0802", None, 2, 14, None, None, None, "S"),
    (D(2021, 8, 24), None, "AF0801", 3, 21, 5, 6, 10, "S"),
]


def frame() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=KEYS)


def compute(rows=ROWS):
    disp = table("displacement", [dict(zip(KEYS, r, strict=True)) for r in rows])
    return compute_figures({"displacement": disp}, CONFIG, afg_gazetteer(), DAY)


def districts(areas) -> dict[str, int]:
    return {d.pcode: d.people for p in areas for d in p.districts}


def test_tables_by_origin_and_by_hosting_area_match_plain_pandas() -> None:
    fig = compute()
    data = frame()
    assert fig.displaced_period == data["people"].sum()
    assert districts(fig.provinces) == data.groupby("district")["people"].sum().to_dict()
    assert districts(fig.hosting) == data.groupby("destination_pcode")["people"].sum().to_dict()
    assert fig.origin_unknown.people == data.loc[data["district"].isna(), "people"].sum()
    no_host = data["destination_pcode"].isna()
    assert fig.hosting_unknown.people == data.loc[no_host, "people"].sum()
    for areas, unknown in ((fig.provinces, fig.origin_unknown), (fig.hosting, fig.hosting_unknown)):
        assert sum(p.people for p in areas) + unknown.people == fig.displaced_period
    hosted = {p.pcode: p.people for p in fig.hosting}
    gazetteer = afg_gazetteer()
    by_admin1 = data.groupby(data["destination_pcode"].dropna().map(gazetteer.admin1))["people"]
    assert hosted == by_admin1.sum().to_dict()
    assert fig.hosting[0].pcode == "AF09"  # the areas hosting the most come first


def test_the_key_figure_says_what_it_counts_and_the_share_of_women_and_children() -> None:
    fig = compute()
    data = frame().dropna(subset=["women", "men", "children"])
    share = (data["women"] + data["children"]).sum() / data[
        ["women", "men", "children"]
    ].sum().sum()
    assert fig.sex_age.share == share
    assert fig.sex_age.known == data[["women", "men", "children"]].sum().sum()
    key = fig.key_figures[0]
    assert key.basis == "origin_else_destination"
    assert key.women_children == share and key.sex_age_known == fig.sex_age.known
    words = make_translator(load_messages([DEFAULT_TEMPLATES], "en"), "en")
    assert kf_more(key, words, "en") == (
        " · counted by area of origin, else by hosting area"
        f" · women and children make up {round(share * 100)}% of {fig.sex_age.known} people"
        " whose sex and age are given"
    )
    andarab = next(d for p in fig.provinces for d in p.districts if d.pcode == "AF0907")
    assert andarab.sex_age.share == 60 / 70  # one row of two gives sex and age


def test_girls_and_boys_count_as_children() -> None:
    keys = ("date", "district", "families", "people", "women", "men", "girls", "boys", "source")
    rows = [dict(zip(keys, (DAY, "AF0907", None, 100, 30, 20, 25, 25, "S"), strict=True))]
    fig = compute_figures(
        {"displacement": table("displacement", rows)}, CONFIG, afg_gazetteer(), DAY
    )
    assert fig.sex_age.share == 0.8 and not fig.sex_age.partial


def test_origins_alone_keep_the_report_as_it_was() -> None:
    rows = [(*r[:2], None, *r[3:]) for r in ROWS if r[1]]
    fig = compute(rows)
    assert fig.hosting == [] and fig.hosting_unknown is None and fig.origin_unknown is None
    assert fig.key_figures[0].basis is None


def test_hosting_areas_alone_are_counted_by_hosting_area() -> None:
    rows = [(r[0], None, r[2] or "AF0901", *r[3:]) for r in ROWS]
    fig = compute(rows)
    assert fig.provinces == [] and fig.origin_unknown is None
    assert fig.key_figures[0].basis == "destination"
    assert sum(p.people for p in fig.hosting) == fig.displaced_period


def test_an_area_report_counts_a_row_by_its_origin_else_its_hosting_area() -> None:
    disp = table("displacement", [dict(zip(KEYS, r, strict=True)) for r in ROWS])
    gazetteer = afg_gazetteer()
    assert areas_in({"displacement": disp}, DAY, gazetteer) == ["AF08", "AF09"]
    split = AreaSplit({"displacement": disp}, None, gazetteer)
    panjsher = split("AF08")["displacement"].frame
    assert panjsher["people"].tolist() == [14, 21]  # from Rukha; hosted in Bazarak, no origin


def read(tmp_path: Path, text: str, gazetteer: Gazetteer):
    path = tmp_path / "displacement.csv"
    path.write_text(text, encoding="utf-8")
    raw, problems = load_table("displacement", InputSource(path), tmp_path)
    if raw is None:
        return None, problems
    table_, more = validate_table(raw, gazetteer)
    return table_, problems + more


def test_a_sheet_of_hosting_areas_tagged_dest_reads(tmp_path: Path) -> None:
    text = (
        "Date,Hosting area,Women,Men,Children,People,Source\n"
        "#date+occurred,#adm2+code+dest,#affected+f+adults,#affected+m+adults,"
        "#affected+children,#affected+displaced+ind,#meta+source\n"
        "2021-08-24,AF0901,30,10,30,70,S\n"
    )
    found, problems = read(tmp_path, text, afg_gazetteer())
    assert [p for p in problems if p.severity == "error"] == []
    row = found.frame.iloc[0]
    assert (row["district"], row["destination_pcode"], row["women"], row["children"]) == (
        None,
        "AF0901",
        30,
        30,
    )


def test_origin_and_hosting_tags_tell_the_columns_apart(tmp_path: Path) -> None:
    text = (
        "From,To,People,Source\n#adm2+code+origin,#adm2+code+dest,#affected+displaced+ind,"
        "#meta+source\nAF0907,AF0901,70,S\n"
    )
    text = "Date," + text.replace("\n#", "\n#date+occurred,#", 1).replace("\nAF", "\n2021-08-24,AF")
    found, problems = read(tmp_path, text, afg_gazetteer())
    assert [p for p in problems if p.severity == "error"] == []
    row = found.frame.iloc[0]
    assert (row["district"], row["destination_pcode"]) == ("AF0907", "AF0901")


def test_a_sheet_or_a_row_with_neither_area_is_an_error(tmp_path: Path) -> None:
    _, problems = read(tmp_path, "date,people,source\n2021-08-24,70,S\n", afg_gazetteer())
    (problem,) = problems
    assert problem.code == "required-column"
    assert "'district'" in problem.message and "'destination_pcode'" in problem.message
    text = "date,district,destination_pcode,people,source\n2021-08-24,,,70,S\n"
    _, problems = read(tmp_path, text, afg_gazetteer())
    (problem,) = problems
    assert (problem.code, problem.row) == ("origin-or-destination", 2)
