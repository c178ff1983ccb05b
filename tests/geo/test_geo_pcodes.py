"""P-codes and names of several countries, checked against the real Global P-Code List read here
with plain pandas (not with sitrep's readers)."""

from __future__ import annotations

import pandas as pd
import pytest

from sitrep.geo.gazetteer import UnknownCountry, country_gazetteer, resolve_country
from tests.conftest import ROOT

DATA = ROOT / "sitrep" / "data"
SHARED = ROOT.parent / "shared" / "data"  # the published files, where the workplace has them
COUNTRIES = ["AFG", "HTI", "TCD", "COD", "SDN", "UKR", "DZA", "TJK", "SOM"]


@pytest.fixture(scope="module")
def global_list() -> pd.DataFrame:
    # skiprows=[1]: the HXL row under the header
    frame = pd.read_csv(DATA / "global_pcodes_adm_1_2.csv", skiprows=[1], dtype=str)
    frame.columns = ["iso3", "level", "pcode", "name", "parent", "date"]
    return frame


@pytest.fixture(scope="module")
def lengths() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "global_pcode_lengths.csv", skiprows=[1], dtype=str)
    return frame.set_index(frame.columns[0])


def test_the_lists_are_shipped_byte_for_byte() -> None:
    for name in ("global_pcodes_adm_1_2.csv", "global_pcode_lengths.csv"):
        data = (DATA / name).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")  # the BOM HDX publishes
        assert b"#country+code" in data.splitlines()[1]
        if (SHARED / name).is_file():
            assert data == (SHARED / name).read_bytes()


def test_the_index_is_the_lists_own() -> None:
    import json
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    from build_pcode_index import build

    shipped = json.loads((DATA / "global_pcodes_index.json").read_text())
    assert shipped == build((DATA / "global_pcodes_adm_1_2.csv").read_bytes())


@pytest.mark.parametrize("iso3", COUNTRIES)
def test_every_code_of_a_country_has_the_lists_level_and_parent(iso3, global_list) -> None:
    rows = global_list[global_list["iso3"] == iso3]
    gazetteer = country_gazetteer(iso3)
    assert len(gazetteer.areas) == rows["pcode"].nunique()
    for row in rows.itertuples():
        area = gazetteer.areas[row.pcode]
        assert area.level == int(row.level)
        assert area.name == row.name
        assert area.parent == (None if row.level == "1" else row.parent)
        assert gazetteer.resolve(row.pcode.lower()) == area
    for level in (1, 2):
        expected = sorted(rows.loc[rows["level"] == str(level), "pcode"])
        assert [a.pcode for a in gazetteer.level(level)] == expected


@pytest.mark.parametrize("iso3", ["AFG", "HTI", "TCD", "COD", "SDN", "UKR"])
def test_codes_as_other_sources_write_them(iso3, global_list, lengths) -> None:
    """ISO3 prefix for a 2-letter country (AFG0907), the ISO2 prefix for a 3-letter one (TD0704,
    as DTM writes Chad), lower case and spaces: all the one canonical code."""
    from babel.core import get_global

    iso2 = get_global("territory_aliases")[iso3][0]
    prefix = int(lengths.loc[iso3, lengths.columns[0]])
    gazetteer = country_gazetteer(iso3)
    rows = global_list[global_list["iso3"] == iso3].iloc[::7]
    for code in rows["pcode"]:
        digits = code[prefix:]
        other = iso3 if prefix == 2 else iso2
        for written in (other + digits, f"{other.lower()} {digits}", f" {code.lower()} "):
            assert gazetteer.canonical(written) == code, written
            assert gazetteer.lookup(written)[0].pcode == code


def test_chad_in_dtm_spelling() -> None:
    chad = country_gazetteer("TCD")
    assert chad.canonical("TD0704") == "TCD0704"
    assert chad.admin1("TD0704") == "TCD07"
    assert chad.areas["TCD0704"].parent == "TCD07"


def test_an_unknown_code_names_the_list_its_date_and_the_nearest_codes(global_list) -> None:
    haiti = country_gazetteer("HTI")
    area, message = haiti.lookup("HT0199")
    assert area is None
    assert "OCHA Global P-Code List (HTI, valid from 1987-03-29)" in message
    nearest = message.split("nearest: ")[1].split(", ")
    assert nearest and set(nearest) <= set(global_list.loc[global_list.iso3 == "HTI", "pcode"])
    assert all(code.startswith("HT01") for code in nearest)


def test_names_as_people_type_them() -> None:
    haiti = country_gazetteer("HTI")
    for typed in ("Petion-Ville", "Pétion-Ville", "petion ville", "PETIONVILLE", "Pétion Ville."):
        assert haiti.resolve(typed).pcode == "HT0114", typed
    assert "did you mean Petion-Ville (HT0114)?" in haiti.lookup("Petionvile")[1]
    assert haiti.resolve("Grande'Anse").pcode == "HT08"


def test_a_place_of_another_country_says_which() -> None:
    haiti = country_gazetteer("HTI")
    assert "Kabul is a place in Afghanistan" in haiti.lookup("Kabul")[1]
    assert "a P-code of Afghanistan" in haiti.lookup("AF0907")[1]
    assert "Haiti" in haiti.lookup("AF0907")[1]  # the workspace's country
    assert "a P-code of Haiti" in country_gazetteer("TCD").lookup("HT0111")[1]
    assert "a P-code of Chad (Fouli)" in haiti.lookup("TD0704")[1]  # DTM's spelling too


def test_a_name_shared_by_two_areas_at_one_level_is_ambiguous(global_list) -> None:
    rows = global_list[(global_list.iso3 == "AFG") & (global_list.level == "2")]
    twice = rows[rows["name"].duplicated(keep=False)]
    assert len(twice), "the list has districts sharing a name"
    name = twice["name"].iloc[0]
    area, message = country_gazetteer("AFG").lookup(name)
    assert area is None and "ambiguous" in message
    for code in twice.loc[twice["name"] == name, "pcode"]:
        assert code in message


@pytest.mark.parametrize(
    ("text", "locale", "iso3", "name"),
    [
        ("HTI", "fr", "HTI", "Haïti"),
        ("Haïti", "fr", "HTI", "Haïti"),
        ("haiti", "en", "HTI", "Haiti"),
        ("Tchad", "fr", "TCD", "Tchad"),
        ("Chad", "fr", "TCD", "Tchad"),
        ("afg", "en", "AFG", "Afghanistan"),
        ("Soudan", "fr", "SDN", "Soudan"),
        ("Ukraine", "uk", "UKR", "Україна"),
    ],
)
def test_countries_by_code_or_name_in_any_language(text, locale, iso3, name) -> None:
    country = resolve_country(text, locale)
    assert country.iso3 == iso3
    assert country.name_in(locale) == name


def test_an_unknown_country_is_an_error() -> None:
    with pytest.raises(UnknownCountry, match="ISO3"):
        resolve_country("Atlantis")


def test_a_country_whose_pcodes_are_digits_only() -> None:
    tajikistan = country_gazetteer("TJK")  # the lengths file: no prefix letters
    assert tajikistan.canonical_prefix() == ""
    assert tajikistan.resolve("3501000").name == "Dushanbe"
    assert "unknown P-code" in tajikistan.lookup("3599999")[1]
