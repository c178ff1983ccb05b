"""The COD file's areas are checked as a tree when loaded, and every walk up the tree ends.

Issue 28: an admin-2 area given as its own parent (or A -> B -> A) in a COD list passed
`validate` with 0 errors, then `build` spun forever walking up to the admin-1 area, keeping the
cron lock. Here each fault, in the global list's HXL layout and in HDX's COD-AB layout, is an
error naming the file, sheet, row and P-code, from `validate` and from `build` (exit 1, nothing
written); and the walk is bounded even on a tree that was never checked.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sitrep.figures.area_tables import parent_of
from sitrep.geo.areas import Area, Gazetteer
from sitrep.geo.gazetteer import country_gazetteer
from sitrep.report import check_inputs
from tests.bombs import run_bounded
from tests.geo_downloads import write_workspace

HXL_HEADER = (
    "Location,Admin Level,P-Code,Name,Parent P-Code,Valid from date\n"
    "#country+code,#geo+admin_level,#adm+code,#adm+name,#adm+code+parent,#date+start\n"
)
# Haiti's global list: HT01 West (admin 1) holds HT0111 Port-au-Prince and HT0114 Petion-Ville.
HXL_CASES = {
    "self": (["HTI,2,HT0111,Port-au-Prince,HT0111,2021-01-01"], "cod-cycle"),
    "cycle": (
        ["HTI,2,HT0111,Port-au-Prince,HT0114,2021-01-01", "HTI,2,HT0114,Pétion-Ville,HT0111,"],
        "cod-cycle",
    ),
    "level": (["HTI,2,HT0111,Port-au-Prince,HT0114,2021-01-01"], "cod-parent-level"),
    "missing": (["HTI,2,HT0111,Port-au-Prince,HT0199,2021-01-01"], "cod-parent-missing"),
    "orphan": (["HTI,3,HT01111,Bas Peu de Chose,,2021-01-01"], "cod-no-parent"),
}


def haiti(root: Path, pcodes: str) -> Path:
    """A Haitian workspace whose displacement rows name HT0111 and HT0114 (a build walks up
    from them to their department), its COD file at inputs/PCODES."""
    ws = write_workspace(root, "HTI", "en", f'\n[geography]\npcodes = "inputs/{pcodes}"\n')
    (ws / "inputs" / "displacement.csv").write_text(
        "date,district,people,source\n2025-06-30,HT0111,100,IOM\n2025-06-30,HT0114,50,IOM\n",
        encoding="utf-8",
    )
    return ws


def hxl_workspace(root: Path, rows: list[str]) -> Path:
    ws = haiti(root, "pcodes.csv")
    (ws / "inputs" / "pcodes.csv").write_text(HXL_HEADER + "\n".join(rows) + "\n", "utf-8")
    return ws


def geography_errors(ws: Path) -> list:
    return [p for p in check_inputs(ws).problems if p.table == "geography"]


@pytest.mark.parametrize("case", sorted(HXL_CASES))
def test_a_broken_tree_in_the_hxl_layout_is_located(tmp_path: Path, case: str) -> None:
    rows, code = HXL_CASES[case]
    errors = geography_errors(hxl_workspace(tmp_path / "ws", rows))
    assert errors and {p.code for p in errors} == {code}
    first = errors[0]
    assert (first.severity, first.file, first.sheet, first.row) == (
        "error",
        "inputs/pcodes.csv",
        None,
        3,
    )
    assert first.column == "Parent P-Code"
    written = rows[0].split(",")
    assert (first.value or "") == written[4] and f"{written[2]} ({written[3]}" in first.message
    assert "expected the P-code of the admin" in first.message
    if case == "cycle":
        assert [p.row for p in errors] == [3, 4]
        assert "HT0111 -> HT0114 -> HT0111" in first.message


def test_a_sound_tree_is_no_error(tmp_path: Path) -> None:
    rows = ["HTI,3,HT01111,Bas Peu de Chose,HT0111,2021-01-01", "HTI,2,HT0111,PAP,HT01,"]
    assert geography_errors(hxl_workspace(tmp_path / "ws", rows)) == []


def cod_ab_workspace(root: Path, adm2: list[tuple[str, str]]) -> Path:
    """A COD-AB workbook as HDX publishes it (a sheet per level); `adm2`: (ADM1_PCODE,
    ADM2_PCODE) of each row of the admin-2 sheet."""
    ws = haiti(root, "hti_cod.xlsx")
    adm1 = pd.DataFrame({"ADM0_PCODE": "HT", "ADM1_EN": ["West"], "ADM1_PCODE": ["HT01"]})
    rows = pd.DataFrame(
        {
            "ADM0_PCODE": "HT",
            "ADM1_PCODE": [a for a, _ in adm2],
            "ADM2_EN": [f"Commune {i}" for i in range(len(adm2))],
            "ADM2_PCODE": [b for _, b in adm2],
        }
    )
    with pd.ExcelWriter(ws / "inputs" / "hti_cod.xlsx") as writer:
        adm1.to_excel(writer, sheet_name="hti_adm1", index=False)
        rows.to_excel(writer, sheet_name="hti_adm2", index=False)
    return ws


@pytest.mark.parametrize(
    ("adm2", "code", "value", "words"),
    [
        # the commune in both columns of its row: its own parent (written twice, or with the
        # ISO3 prefix, which is the same P-code: the walk spun forever on it)
        ([("HT01", "HT0114"), ("HT0111", "HT0111")], "cod-level-conflict", "HT0111", "both"),
        ([("HT01", "HT0114"), ("HTI0111", "HT0111")], "cod-level-conflict", "HT0111", "both"),
        # a commune's code in the ADM1_PCODE column: an admin-2 area made admin 1
        ([("HT01", "HT0114"), ("HT0114", "HT0111")], "cod-level-conflict", "HT0114", "column"),
        # no department for a commune
        ([("HT01", "HT0114"), ("", "HT0111")], "cod-no-parent", "", "has no parent"),
        # a department of no known country
        ([("HT01", "HT0114"), ("HY01", "HT0111")], "cod-parent-missing", "HY01", "not a known"),
    ],
)
def test_a_broken_tree_in_the_cod_ab_layout_is_located(
    tmp_path: Path, adm2: list, code: str, value: str, words: str
) -> None:
    errors = geography_errors(cod_ab_workspace(tmp_path / "ws", adm2))
    assert errors and errors[0].code == code, errors
    first = errors[0]
    assert (first.file, first.sheet, first.row) == ("inputs/hti_cod.xlsx", "hti_adm2", 3)
    assert first.column in {"ADM1_PCODE", "ADM2_PCODE"} and (first.value or "") == value
    assert words in first.message


@pytest.mark.parametrize("command", ["validate", "build"])
@pytest.mark.parametrize("layout", ["hxl", "cod-ab"])
def test_validate_and_build_stop_on_a_cycle(tmp_path: Path, layout: str, command: str) -> None:
    if layout == "hxl":
        ws = hxl_workspace(tmp_path / "ws", HXL_CASES["cycle"][0])
        where = "inputs/pcodes.csv, row 3"
    else:
        ws = cod_ab_workspace(tmp_path / "ws", [("HT01", "HT0114"), ("HTI0111", "HT0111")])
        where = "inputs/hti_cod.xlsx, sheet hti_adm2, row 3"
    run = run_bounded(ws, command)
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert "geography:" in out and where in out and "HT0111" in out
    assert "Traceback" not in out
    assert not (ws / "output").exists() or not any((ws / "output").rglob("*.pdf"))


class Lookups(dict):
    """An area table that fails a walk which never ends (instead of spinning forever)."""

    count = 0

    def get(self, key, default=None):
        self.count += 1
        if self.count > 1000:
            raise AssertionError("a walk up the tree does not end")
        return super().get(key, default)


@pytest.mark.parametrize(
    "areas",
    [
        [Area("HT0111", "Port-au-Prince", 2, "HT0111")],
        [Area("HT0111", "Port-au-Prince", 2, "HT0114"), Area("HT0114", "PV", 2, "HT0111")],
        [Area("HT01111", "Section", 3, "HT0111"), Area("HT0111", "PAP", 2, "HT01111")],
    ],
)
def test_every_walk_up_ends_even_on_an_unchecked_tree(areas: list[Area]) -> None:
    gazetteer = Gazetteer(country_gazetteer("HTI").country, areas)
    gazetteer.areas = Lookups(gazetteer.areas)
    for area in areas:
        assert gazetteer.admin1(area.pcode) is None and gazetteer.ancestor(area.pcode) is None
    last = areas[-1].pcode  # its parent is at its own level or below: never walked to
    assert gazetteer.parent(last) is None and parent_of(last, gazetteer) is None


def test_a_sound_walk_is_unchanged() -> None:
    haiti_list = country_gazetteer("HTI")
    assert haiti_list.admin1("HT0111") == "HT01" and parent_of("HT0111", haiti_list) == "HT01"
    assert haiti_list.parent("HT01") is None and haiti_list.ancestor("HT0111", 2) == "HT0111"
