"""An IOM DTM export as the idps table: one level, reasons summed, one country, own dates."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from sitrep.inputs.load import load_tables
from sitrep.settings.config import InputSource, load_config
from sitrep.validate.tables import validate_tables
from tests.conftest import FIXTURES, copy_workspace
from tests.geo_helpers import afg_gazetteer

FIXTURE = FIXTURES / "inputs" / "dtm-afg-idps.csv"


def idps_from(workspace: Path, path: Path):
    config = load_config(workspace)
    raw, problems = load_tables(config, {"idps": InputSource(path)})
    tables, more = validate_tables(raw, afg_gazetteer(), config.household_size)
    return tables["idps"], problems + more


def test_dtm_export_becomes_the_idps_table(workspace: Path) -> None:
    table, problems = idps_from(workspace, FIXTURE)
    assert [p.severity for p in problems] == [
        "note"
    ] * 3  # notes inform; --strict does not fail on them
    notes = " ".join(p.message for p in problems)
    assert "3 rows of other countries (ETH, IRQ) ignored" in notes
    assert "4 rows at other admin levels" in notes
    assert "2 area figures hold a reason 'Not available': missing, not 0" in notes
    assert set(table.frame["operation"]) == {"Afghanistan - Baseline Assessment"}
    rows = table.frame.drop(columns=["source", "operation"]).to_dict("records")
    D = dt.date
    assert rows == [
        # 30 March: districts given, so provinces and the national row are not used;
        # Andarab 2,500 + 300 (conflict, any case), and its natural disaster figure "Not
        # available": missing, a row of its own; Pul-e-Khumri 4,000 + 1,500; Bazarak missing.
        {"_row": 6, "date": D(2021, 3, 30), "area": "AF0907", "idps": 2800, "round": "12",
         "reason": "conflict"},
        {"_row": 8, "date": D(2021, 3, 30), "area": "AF0907", "idps": None, "round": "12",
         "reason": "natural disaster"},
        {"_row": 9, "date": D(2021, 3, 30), "area": "AF0901", "idps": 5500, "round": "12",
         "reason": "conflict; natural disaster"},
        {"_row": 11, "date": D(2021, 3, 30), "area": "AF0801", "idps": None, "round": "12",
         "reason": "conflict"},
        # 30 June: provinces only.
        {"_row": 12, "date": D(2021, 6, 30), "area": "AF08", "idps": 800, "round": "13",
         "reason": "conflict"},
        {"_row": 13, "date": D(2021, 6, 30), "area": "AF09", "idps": 12000, "round": "13",
         "reason": "conflict"},
    ]  # fmt: skip
    assert set(table.frame["source"]) == {"IOM DTM, Afghanistan - Baseline Assessment"}
    assert table.headers["idps"] == "numPresentIdpInd"


def test_dtm_iso3_pcodes_and_country_code(workspace: Path, tmp_path: Path) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace(",AF09,", ",AFG09,")
    text = text.replace(",AF0907,", ",AFG0907,").replace(",AF0901,", ",AFG0901,")
    path = tmp_path / "dtm.csv"
    path.write_text(text, encoding="utf-8")
    toml = workspace / "sitrep.toml"
    toml.write_text(toml.read_text().replace('country = "Afghanistan"', 'country = "AFG"'))
    table, problems = idps_from(workspace, path)
    assert not [p for p in problems if p.severity == "error"]
    assert table.frame["area"].tolist() == ["AF0907", "AF0907", "AF0901", "AF0801", "AF08", "AF09"]


def test_dtm_bad_figure_is_located(tmp_path: Path) -> None:
    ws = copy_workspace(tmp_path / "ws")
    path = tmp_path / "dtm.csv"
    shutil.copy(FIXTURE, path)
    path.write_text(path.read_text().replace(",1500,2021-03-30", ",lots,2021-03-30", 1))
    _, problems = idps_from(ws, path)
    errors = [p for p in problems if p.severity == "error"]
    assert [(p.row, p.column, p.value) for p in errors] == [(5, "numPresentIdpInd", "lots")]


def test_dtm_without_the_country_says_which_are_there(workspace: Path) -> None:
    toml = workspace / "sitrep.toml"
    toml.write_text(toml.read_text().replace('country = "Afghanistan"', 'country = "Chad"'))
    config = load_config(workspace)
    raw, problems = load_tables(config, {"idps": InputSource(FIXTURE)})
    assert "idps" not in raw
    assert "no rows for Chad" in problems[0].message and "AFG" in problems[0].message
