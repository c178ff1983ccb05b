"""The workspace's places table and its own COD file: names, spellings, levels, languages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from sitrep.cli import main
from sitrep.errors import ConfigError
from sitrep.geo.gazetteer import country_gazetteer
from sitrep.inputs.cod import base_gazetteer
from sitrep.inputs.load import load_table
from sitrep.settings.config import InputSource, load_config
from sitrep.validate.tables import validate_table, workspace_gazetteer
from tests.geo_downloads import write_haiti_cod, write_workspace

PLACES = (
    "name,pcode,lat,lon,type,name_ar,Name (Dari),name (Pashto),aliases\n"
    "Ouest,HT01,,,département,,,,Lwès\n"
    "Carrefour-Feuilles,HT0111,18.53,-72.33,quartier,,,,\n"
    "Camp A,,18.5,-72.3,site,مخيم,کمپ,کمپ,\n"
    "Nowhere,,,,town,,,,\n"
)


def places_table(tmp_path: Path, text: str = PLACES):
    path = tmp_path / "places.csv"
    path.write_text(text, encoding="utf-8")
    raw, problems = load_table("places", InputSource(path), tmp_path)
    assert raw is not None, problems
    return validate_table(raw, country_gazetteer("HTI"))


def test_a_place_needs_a_pcode_or_coordinates_not_both(tmp_path: Path) -> None:
    _, problems = places_table(tmp_path)
    errors = [p for p in problems if p.severity == "error"]
    assert [(p.row, p.column) for p in errors] == [(5, "pcode")]
    assert "P-code or its coordinates" in errors[0].message


def test_local_names_a_column_per_language(tmp_path: Path) -> None:
    table, _ = places_table(tmp_path)
    camp = table.frame.iloc[2]
    assert camp["local_names"] == {"ar": "مخيم", "fa_AF": "کمپ", "ps": "کمپ"}
    assert camp["name_local"] == "مخيم"  # the old single column: the first local name
    assert table.frame.iloc[0]["local_names"] == {}
    assert table.header("name_ar") == "name_ar" and table.header("name_ps") == "name (Pashto)"


def test_local_names_by_hxl_language_attribute(tmp_path: Path) -> None:
    text = (
        "Place,Code,Arabic,Other\n#loc+name,#loc+code,#loc+name+i_ar,#loc+name+i_fr\n"
        "Camp A,HT0111,مخيم,Camp A (fr)\n"
    )
    table, problems = places_table(tmp_path, text)
    assert not problems
    assert table.frame.iloc[0]["local_names"] == {"ar": "مخيم", "fr": "Camp A (fr)"}
    assert table.header("name_fr") == "Other"


def test_the_workspaces_spelling_is_printed_and_its_aliases_found(tmp_path: Path) -> None:
    table, _ = places_table(tmp_path)
    gazetteer = workspace_gazetteer({"places": table}, country_gazetteer("HTI"))
    assert gazetteer.name("HT01") == "Ouest"  # the list says West
    assert gazetteer.resolve("lwes").pcode == "HT01"
    assert gazetteer.resolve("West").pcode == "HT01"
    # A neighbourhood in a commune names a place in it, not the commune itself.
    assert gazetteer.name("HT0111") == "Port-au-Prince"
    assert gazetteer.resolve("Carrefour Feuilles").pcode == "HT0111"


@pytest.fixture
def haiti(tmp_path: Path) -> Path:
    write_haiti_cod(tmp_path / "ws-cod.xlsx")
    ws = write_workspace(
        tmp_path / "ws", "Haïti", "fr", '\n[geography]\npcodes = "../ws-cod.xlsx"\n'
    )
    return ws


def test_the_offices_cod_file_adds_levels_and_french_names(haiti: Path) -> None:
    config = load_config(haiti)
    assert (config.country_code, config.country) == ("HTI", "Haïti")
    gazetteer = base_gazetteer(config)
    sheets = pd.read_excel(haiti.parent / "ws-cod.xlsx", sheet_name=None, engine="openpyxl")
    adm3 = sheets["hti_adm3"]
    assert gazetteer.levels() == [1, 2, 3]
    assert sorted(a.pcode for a in gazetteer.level(3)) == sorted(adm3["ADM3_PCODE"])
    for row in adm3.itertuples():
        area = gazetteer.areas[row.ADM3_PCODE]
        assert (area.parent, area.source, gazetteer.name(area.pcode)) == (
            row.ADM2_PCODE,
            "COD file",
            row.ADM3_FR,
        )
        assert gazetteer.admin1(area.pcode) == row.ADM1_PCODE
    assert gazetteer.name("HT01") == "Ouest" and gazetteer.name("HT0114") == "Pétion-Ville"
    assert gazetteer.localised("en").name("HT01") == "West"
    assert gazetteer.resolve("Sen Mak").pcode == "HT0531"  # an ALT name
    assert gazetteer.name("HT0542") == "Petite Riviere de l'Artibonite"  # the global list's
    assert "ws-cod.xlsx (valid from 2020-07-27)" in gazetteer.list_name


def test_one_sheet_of_the_cod_file(haiti: Path) -> None:
    toml = haiti / "sitrep.toml"
    toml.write_text(toml.read_text().replace("ws-cod.xlsx", "ws-cod.xlsx#hti_adm3"))
    gazetteer = base_gazetteer(load_config(haiti))
    assert gazetteer.levels() == [1, 2, 3]  # the adm3 sheet carries its parents' columns
    assert gazetteer.areas["HT0114"].names["fr"] == "Pétion-Ville"
    assert "#hti_adm3" in gazetteer.list_name


def test_a_list_with_the_global_lists_hxl_tags(tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_text(
        "Location,Admin Level,P-Code,Name,Parent P-Code,Valid from date\n"
        "#country+code,#geo+admin_level,#adm+code,#adm+name,#adm+code+parent,#date+start\n"
        "HTI,3,HT01141,Aux Cadets,HT0114,2021-01-01\n",
        encoding="utf-8",
    )
    ws = write_workspace(tmp_path / "ws", "HTI", "en", '\n[geography]\npcodes = "../list.csv"\n')
    area = base_gazetteer(load_config(ws)).resolve("aux cadets")
    assert (area.pcode, area.level, area.parent) == ("HT01141", 3, "HT0114")


def test_a_missing_cod_file_names_the_setting(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "ws", "HTI", "en", '\n[geography]\npcodes = "nope.xlsx"\n')
    with pytest.raises(ConfigError, match=r"geography\.pcodes"):
        base_gazetteer(load_config(ws))


def test_an_unknown_country_is_a_settings_problem(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "ws", "Atlantis", "en")
    with pytest.raises(ConfigError, match=r"report\.country"):
        load_config(ws)


def test_sitrep_places(haiti: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["-w", str(haiti), "places", "petion"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("HT0114 "))
    assert "admin 2" in line and "Pétion-Ville" in line and "Ouest (HT01)" in line
    assert "COD file" in line
    listed = runner.invoke(main, ["-w", str(haiti), "places", "--level", "3"])
    assert [x.split()[0] for x in listed.output.splitlines() if x.startswith("HT")] == [
        "HT01141",
        "HT01142",
    ]
    missing = runner.invoke(main, ["-w", str(haiti), "places", "Kabul"])
    assert missing.exit_code == 1 and "Afghanistan" in missing.output


def test_the_country_is_printed_in_the_reports_language(tmp_path: Path) -> None:
    config = load_config(write_workspace(tmp_path / "ws", "HTI", "fr"))
    assert (config.country_code, config.country) == ("HTI", "Haïti")
    assert load_config(write_workspace(tmp_path / "td", "Chad", "fr")).country == "Tchad"


@pytest.mark.slow
def test_the_sample_report_credits_the_pcode_list(sample_text: str) -> None:
    assert (
        "Place names and P-codes: OCHA Common Operational Datasets (COD-AB), via HDX: "
        "OCHA Global P-Code List, AFG (2019-10-22)" in sample_text
    )


def test_a_places_code_that_is_no_area_is_said(tmp_path: Path) -> None:
    from sitrep.validate.tables import validate_tables

    path = tmp_path / "places.csv"
    path.write_text("name,pcode\nSite 9,HT0199\nAndarab,AF0907\nCamp,SITE-7\n", encoding="utf-8")
    raw, _ = load_table("places", InputSource(path), tmp_path)
    _, problems = validate_tables({"places": raw}, country_gazetteer("HTI"), 1)
    found = [(p.severity, p.row, p.value) for p in problems]
    assert found == [("note", 2, "HT0199"), ("warning", 3, "AF0907")]
    assert "a site, not an admin area" in problems[0].message
    assert "Afghanistan" in problems[1].message


def test_what_a_places_code_is_comes_from_the_lookups_reason_not_its_words(tmp_path: Path):
    """An office's COD file may be called anything, "P-code of every commune.xlsx" too: its
    name, quoted in a message, does not make a site's code another country's."""
    from sitrep.geo.unknown import Reason
    from sitrep.validate.tables import validate_tables

    gazetteer = country_gazetteer("HTI")
    gazetteer.list_name = "the COD file inputs/P-code of every commune.xlsx"
    assert gazetteer.find("SITE-7").reason is Reason.UNKNOWN
    assert "P-code of every commune" in gazetteer.lookup("SITE-7")[1]
    path = tmp_path / "places.csv"
    path.write_text("name,pcode\nCamp,SITE-7\nSite 9,HT0199\n", encoding="utf-8")
    raw, _ = load_table("places", InputSource(path), tmp_path)
    _, problems = validate_tables({"places": raw}, gazetteer, 1)
    assert [(p.code, p.row, p.value) for p in problems] == [("site-pcode", 3, "HT0199")]
