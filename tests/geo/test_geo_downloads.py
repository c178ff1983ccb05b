"""Real downloads as --input idps: DTM exports of Haiti and Chad, HDX HAPI's IDPs table.

Each is checked against an independent computation written here with plain pandas: the rows of
the workspace's country, for each date and operation the finest admin level present, reasons
summed, "Not available" missing (a row without a figure, never 0), P-codes in the COD's
canonical form.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from sitrep.pipeline import check_inputs
from sitrep.settings.config import InputSource
from tests.geo_downloads import (
    CHAD_ROWS,
    HAITI_ROWS,
    hapi_rows,
    write_dtm,
    write_hapi,
    write_workspace,
)


def expected(path: Path, iso3: str, hapi: bool = False) -> pd.DataFrame:
    """The idps table an IMO would compute by hand from the file, with pandas."""
    if hapi:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        raw = raw.rename(
            columns={"location_code": "country", "admin_level": "level", "population": "idps",
                     "reference_period_end": "date", "reporting_round": "round",
                     "admin1_code": "adm1", "admin2_code": "adm2"}
        )  # fmt: skip
    else:
        raw = pd.read_csv(
            path, dtype=str, keep_default_na=False, skiprows=[1], encoding="utf-8-sig"
        )
        raw = raw.rename(
            columns={"admin0Pcode": "country", "adminLevel": "level", "numPresentIdpInd": "idps",
                     "reportingDate": "date", "roundNumber": "round", "admin1Pcode": "adm1",
                     "admin2Pcode": "adm2"}
        )  # fmt: skip
    raw = raw[raw["country"] == iso3].copy()
    raw["level"] = raw["level"].astype(int)
    raw = raw[raw["level"] > 0]
    raw["date"] = pd.to_datetime(raw["date"].str[:10]).dt.date
    finest = raw.groupby(["date", "operation"])["level"].transform("max")
    raw = raw[raw["level"] == finest]
    raw["area"] = raw["adm2"].where(raw["level"] == 2, raw["adm1"])
    # TD0704 is written TCD0704 by Chad's COD: the ISO3 prefix.
    raw["area"] = raw["area"].str.replace(r"^TD", "TCD", regex=True)
    raw["idps"] = pd.to_numeric(raw["idps"], errors="coerce")
    keys = ["date", "area", "round", "operation"]
    given = raw.dropna(subset=["idps"]).groupby(keys)["idps"].sum().reset_index()
    # a figure "Not available" is missing: one row without a figure per area, date and round
    missing = raw[raw["idps"].isna()][keys].drop_duplicates().assign(idps=float("nan"))
    out = pd.concat([given, missing], ignore_index=True)
    return out.sort_values([*keys[:1], "operation", "area", "idps"]).reset_index(drop=True)


def imported(workspace: Path, path: Path) -> tuple[pd.DataFrame, list]:
    checked = check_inputs(workspace, None, {"idps": InputSource(path)})
    frame = checked.tables["idps"].frame
    got = frame[["date", "area", "round", "operation", "idps"]].copy()
    got["idps"] = pd.to_numeric(got["idps"]).astype(float)
    got = got.sort_values(["date", "operation", "area", "idps"]).reset_index(drop=True)
    return got, checked.problems


@pytest.mark.parametrize("country", ["Haïti", "HTI", "haiti"])
def test_a_haiti_dtm_export_unchanged(tmp_path: Path, country: str) -> None:
    ws = write_workspace(tmp_path / "ws", country, "fr")
    path = write_dtm(tmp_path / "dtm_hti.csv", HAITI_ROWS)
    got, problems = imported(ws, path)
    assert not [p for p in problems if p.severity == "error"], problems
    want = expected(path, "HTI")
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    # 2 + 1 + (1 + 3) + 3 area figures, and Petion-Ville's natural disaster figure of round 10
    # "Not available": Saint-Marc's round 9 is missing, not 0 and not left out
    assert len(got) == 11
    saint_marc = got[(got["area"] == "HT0531") & (got["round"] == "9")]
    assert saint_marc["idps"].isna().all() and len(saint_marc) == 1
    # Two operations kept apart, rounds of 2010 and 2025 side by side, a row of 2011.
    assert set(got["operation"]) == {"Haiti Earthquake", "Countrywide monitoring"}
    assert dt.date(2011, 1, 31) in set(got["date"])
    notes = " ".join(p.message for p in problems if p.severity == "note")
    assert "DOM" in notes and "Haiti (HTI)" in notes


def test_a_chad_dtm_export_with_iso2_style_codes(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "ws", "Tchad", "fr")
    path = write_dtm(tmp_path / "dtm_tcd.csv", CHAD_ROWS)
    got, problems = imported(ws, path)
    assert not [p for p in problems if p.severity == "error"], problems
    pd.testing.assert_frame_equal(got, expected(path, "TCD"), check_dtype=False)
    assert set(got["area"]) == {"TCD0704", "TCD0703"}  # the COD's canonical codes


def test_hdx_hapi_idps_table_unchanged(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "ws", "Haiti", "en")
    path = write_hapi(tmp_path / "hapi_idps_hti.csv", hapi_rows(HAITI_ROWS))
    got, problems = imported(ws, path)
    assert not [p for p in problems if p.severity == "error"], problems
    pd.testing.assert_frame_equal(got, expected(path, "HTI", hapi=True), check_dtype=False)
    # The same people as the DTM export it was made from (HAPI leaves out what is missing).
    dtm = expected(write_dtm(tmp_path / "dtm.csv", HAITI_ROWS), "HTI")
    assert got["idps"].sum() == dtm["idps"].sum()


def test_a_dtm_export_of_another_country_only_is_an_error_naming_both(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "ws", "Tchad", "fr")
    path = write_dtm(tmp_path / "dtm_hti.csv", HAITI_ROWS)
    checked = check_inputs(ws, None, {"idps": InputSource(path)})
    errors = [p.message for p in checked.problems if p.severity == "error"]
    assert any("no rows for Chad (TCD)" in m and "HTI" in m for m in errors), errors


def test_a_place_of_another_country_in_a_dtm_export_is_an_error(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "ws", "Haiti", "en")
    commune = next(r for r in HAITI_ROWS if r[6] == "HT0114")
    rows = [(*commune[:6], "AF0907", *commune[7:])]
    path = write_dtm(tmp_path / "dtm.csv", rows)
    checked = check_inputs(ws, None, {"idps": InputSource(path)})
    errors = [p for p in checked.problems if p.severity == "error"]
    assert errors and "a P-code of Afghanistan (Andarab)" in errors[0].message
    assert errors[0].value == "AF0907" and errors[0].row == 3
