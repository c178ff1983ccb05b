"""A national report: every district of a country (the global P-code list's 401 Afghan districts,
with invented figures) stays readable, and its totals add up to the parts shown.

Also: a workspace whose only dated rows are IDPs present, or routes, builds (any table dates a
report). Figures are checked against plain pandas computed here, on the CSV files written here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader

import sitrep
from sitrep.report import BuildOptions, build_report
from tests.conftest import pdf_text

pytestmark = pytest.mark.slow  # builds national reports: not in make test-fast

PCODES = Path(sitrep.__file__).parent / "data" / "global_pcodes_adm_1_2.csv"  # shipped
ROUND_1, ROUND_2 = dt.date(2021, 3, 31), dt.date(2021, 6, 30)


def afghan_areas() -> pd.DataFrame:
    frame = pd.read_csv(PCODES, skiprows=[1], encoding="utf-8-sig", dtype=str)
    return frame[frame["Location"] == "AFG"]


@pytest.fixture
def national(workspace: Path) -> tuple[Path, pd.DataFrame]:
    """The sample workspace with a national IDPs table (two rounds, district and province rows)
    and new displacement in 150 districts (the country's gazetteer knows every area)."""
    if not PCODES.is_file():
        pytest.skip("the global P-code list is not here")
    areas = afghan_areas()
    districts = sorted(areas.loc[areas["Admin Level"] == "2", "P-Code"])
    assert len(districts) == 401
    rows = []
    for rnd, day in (("1", ROUND_1), ("2", ROUND_2)):
        for i, pcode in enumerate(districts):
            if rnd == "2" and i % 50 == 7:
                continue  # some districts leave in round 2
            rows.append((day, pcode, (i * 7919 + int(rnd) * 313) % 9000 + 150, rnd))
    frame = pd.DataFrame(rows, columns=["date", "area", "idps", "round"])
    provinces = frame.assign(area=frame["area"].str[:4]).groupby(["date", "area", "round"])
    both = pd.concat([frame, provinces["idps"].sum().reset_index()])  # each level repeats them
    both = both.assign(source="Invented national assessment")
    both.to_csv(workspace / "inputs/national-idps.csv", index=False)
    moves = [
        (dt.date(2021, 8, 15 + i % 10), pcode, "", 40 + (i * 31) % 700, "Invented KI")
        for i, pcode in enumerate(districts[::2][:150])
    ]
    with (workspace / "inputs/national-displacement.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["date", "district", "families", "people", "source"])
        writer.writerows(moves)
    toml = (workspace / "sitrep.toml").read_text()
    toml = re.sub(r"^idps = .*$", 'idps = "inputs/national-idps.csv"', toml, flags=re.M)
    toml = re.sub(
        r"^displacement = .*$",
        'displacement = "inputs/national-displacement.csv"',
        toml,
        flags=re.M,
    )
    (workspace / "sitrep.toml").write_text(toml)
    return workspace, frame


def _rows(html: str, section: str) -> list[tuple[str, str, int]]:
    """(row class, first cell, figure) of the table rows in a section of the HTML edition."""
    if section == "stock":
        part = html[html.index('<div class="stock">') :]
    else:  # the section's own table, after its chart (and the chart's figures' table)
        part = html[html.index('<section class="displacement">') :]
        part = part[part.index('<table class="data" ') :]
    part = part[: part.index("</table>")]
    found = []
    for kind, cells in re.findall(r'<tr class="([\w ]+)">(.*?)</tr>', part, re.S):
        # the row's header cell (its area: <th scope="row">) first, then its data cells
        texts = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", cells)]
        number = next(t for t in texts[1:] if re.fullmatch(r"[\d,]+\*?", t))
        found.append(
            (
                kind,
                texts[0] if "other" not in kind else "other",
                int(number.strip("*").replace(",", "")),
            )
        )
    return found


def test_a_national_report_fits_and_its_totals_add_up(national) -> None:
    workspace, frame = national
    result = build_report(BuildOptions(workspace=workspace, draft=True))
    # the sample's 7 pages (its indicators, response, needs and funding two of them) and the
    # national tables of 398 districts in three more at most
    assert len(PdfReader(result.pdf).pages) <= 10
    text = pdf_text(result.pdf)
    expected = frame[frame["date"] == ROUND_2]
    assert f"{int(expected['idps'].sum()):,} internally displaced people" in text
    html = result.html.read_text(encoding="utf-8")
    rows = _rows(html, "stock")
    by_province = expected.groupby(expected["area"].str[:4])["idps"].sum()
    provinces = [(name, n) for kind, name, n in rows if kind == "province"]
    assert len(provinces) == len(by_province) == 34
    assert sorted(n for _, n in provinces) == sorted(int(n) for n in by_province)
    # within each province, the districts shown and the "other" line add up to its subtotal
    groups: list[list[int]] = []
    for kind, _, n in rows:
        groups.append([n]) if kind == "province" else groups[-1].append(n)
    assert all(g[0] == sum(g[1:]) or len(g) == 1 for g in groups)
    shown = [r for r in rows if r[0] == "district"]
    assert 10 <= len(shown) <= 14  # the top 10, and the areas the report names (blockades)
    assert "Andarab" in {name for _, name, _ in shown}
    # the attached CSV holds exactly the rows counted: round 2's district rows
    attached = PdfReader(result.pdf).attachments["idps.csv"][0].decode("utf-8-sig")
    used = pd.read_csv(io.StringIO(attached), dtype=str)
    assert sorted(used["area"]) == sorted(expected["area"])
    # the displacement table: province subtotals add up to the total, with "other" lines
    moves = _rows(html, "displacement")
    assert sum(n for kind, _, n in moves if kind == "province") == int(
        pd.read_csv(workspace / "inputs/national-displacement.csv")["people"].sum()
    )
    assert any(kind == "district other" for kind, _, _ in moves)


def _only(workspace: Path, keep: set[str]) -> None:
    """Empty every event table but those in `keep`; drop the other optional tables."""
    headers = {
        "displacement": "date,district,families,people,source",
        "blockades": "id,commodity,area,start_date,status,source",
        "routes": "route_id,route,status,since,source",
    }
    toml = (workspace / "sitrep.toml").read_text()
    for name, header in headers.items():
        if name not in keep:
            (workspace / f"inputs/{name}.csv").write_text(header + "\n")
            toml = re.sub(rf"^{name} = .*$", f'{name} = "inputs/{name}.csv"', toml, flags=re.M)
    for name in ("idps", "prices", "indicators", "response", "needs", "funding"):
        if name not in keep:
            toml = re.sub(rf"^{name} = .*\n", "", toml, flags=re.M)
    (workspace / "sitrep.toml").write_text(toml)


@pytest.mark.parametrize(("keep", "day"), [("idps", ROUND_2), ("routes", dt.date(2021, 8, 24))])
def test_any_table_dates_a_report(quick: Path, keep: str, day: dt.date) -> None:
    workspace = quick  # nor the map: the report's date is the subject
    _only(workspace, {keep})
    # the series starts with the first report this workspace could make: its data's date
    settings = workspace / "sitrep.toml"
    settings.write_text(
        re.sub(r"^first_report = .*$", f"first_report = {day}", settings.read_text(), flags=re.M)
    )
    result = build_report(BuildOptions(workspace=workspace, draft=True))
    assert result.date == day
    assert result.pdf.is_file()
