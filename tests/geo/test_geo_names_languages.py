"""Names in the report's language and in any script: an area's name from the best source for
the language, a places row's type read in six languages, names found however they are typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.geo.areas import Gazetteer
from sitrep.geo.gazetteer import country_gazetteer
from sitrep.geo.names import normalise_name
from sitrep.geo.spellings import is_admin_type
from sitrep.inputs.cod import base_gazetteer
from sitrep.settings.config import load_config
from tests.geo_downloads import write_haiti_cod, write_workspace


def sudan() -> Gazetteer:
    """Sudan with a places table giving Arabic names: two areas' own rows and a camp."""
    return country_gazetteer("SDN").extended(
        [
            ("SD02114", "Al Fasher", [], None, {"ar": "الفاشر"}),
            ("SD02136", "Um Kadadah", [], "district", {"ar": "أم كدادة"}),
            ("SD02124", "كبكابية", [], None, {}),  # the office typed the Arabic name itself
            ("SD02114", "Zamzam", ["Zam Zam"], "camp", {"ar": "زمزم"}),
            ("", "Abu Shouk", [], "camp", {"ar": "أبو شوك"}),
        ]
    )


def test_each_language_gets_its_own_names() -> None:
    gazetteer = sudan()
    arabic, english = gazetteer.localised("ar"), gazetteer.localised("en")
    assert arabic.name("SD02114") == "الفاشر" and english.name("SD02114") == "Al Fasher"
    assert arabic.name("SD02136") == "أم كدادة" and english.name("SD02136") == "Um Kadadah"
    # a spelling in another script than the report's is passed over for the list's
    assert arabic.name("SD02124") == "كبكابية" and english.name("SD02124") == "Kebkabiya"
    assert arabic.name("SD02") == "North Darfur"  # no Arabic name anywhere: the list's
    # a town, a camp without a P-code: its places row's name in the language
    assert arabic.place_name("Zam Zam") == "زمزم" and english.place_name("زمزم") == "Zamzam"
    assert arabic.place_name("Abu Shouk") == "أبو شوك"
    assert arabic.place_name("Al Fasher") == "الفاشر"  # the area of that name
    assert arabic.place_name("Somewhere else") == "Somewhere else"  # as typed


def test_a_cod_files_names_in_the_language_win(tmp_path: Path) -> None:
    """HT01 is "West" in the global list: a French COD file's ADM1_FR is printed, over the
    places table's own spelling too."""
    write_haiti_cod(tmp_path / "cod.xlsx")
    ws = write_workspace(tmp_path / "ws", "HTI", "fr", '\n[geography]\npcodes = "../cod.xlsx"\n')
    french = base_gazetteer(load_config(ws))
    assert country_gazetteer("HTI", "fr").name("HT01") == "West"  # the list alone
    typed = french.extended([("HT01", "Dept. Ouest", [], "département", {})])
    assert typed.name("HT01") == "Ouest" and typed.name("HT0114") == "Pétion-Ville"
    assert typed.localised("en").name("HT01") == "West"
    assert typed.resolve("Dept. Ouest").pcode == "HT01"  # still found by the office's name


@pytest.mark.parametrize(
    "typed",
    ["أم كدادة", "ام كداده", "أمّ كـدادة", "إم كدادة", "آم كدادة", "اُم كِدادة"],
)
def test_arabic_is_found_with_or_without_diacritics_tatweel_or_hamza(typed: str) -> None:
    assert sudan().resolve(typed).pcode == "SD02136"


def test_cyrillic_and_accented_latin_are_found() -> None:
    ukraine = country_gazetteer("UKR").extended([("UA05", "Vinnytska", [], "область",
                                                  {"uk": "Вінницька"})])  # fmt: skip
    assert ukraine.resolve("вінницька").pcode == "UA05"
    assert ukraine.resolve("ВІННИЦЬКА").pcode == "UA05"
    assert ukraine.localised("uk").name("UA05") == "Вінницька"
    mozambique = country_gazetteer("MOZ").extended([("MZ0110", "Mocímboa da Praia", [],
                                                     "distrito", {})])  # fmt: skip
    assert mozambique.resolve("mocimboa da praia").pcode == "MZ0110"
    assert mozambique.resolve("Mocímboa  Da Praia").pcode == "MZ0110"


@pytest.mark.parametrize(
    "kind",
    ["district", "distrito", "Distrito", "Província", "município", "Posto Administrativo",
     "commune", "Département", "sous-préfecture", "departamento", "Municipio", "مديرية",
     "ولاية", "محافظة", "район", "Область", "громада", "admin2", "sub-district"],
)  # fmt: skip
def test_an_admin_type_in_six_languages(kind: str) -> None:
    assert is_admin_type(kind)


@pytest.mark.parametrize("kind", ["town", "camp", "ville", "aldeia", "مخيم", "село", "pass"])
def test_a_town_is_not_an_area(kind: str) -> None:
    assert not is_admin_type(kind)


def test_a_portuguese_distrito_row_is_the_area_itself() -> None:
    """A `distrito` row gives the area its spelling (it was taken for a town in the area)."""
    mozambique = country_gazetteer("MOZ", "pt").extended(
        [("MZ0110", "Mocímboa da Praia", [], "distrito", {})]
    )
    assert mozambique.name("MZ0110") == "Mocímboa da Praia"  # the list: "Mocimboa Da Praia"


def test_a_name_in_a_script_no_place_has_gets_a_hint() -> None:
    message = country_gazetteer("SDN", "ar").lookup("الفاشر")[1]
    assert "no place" in message and "Arabic script" in message
    assert "name_ar" in message and "ADM2_AR" in message
    assert normalise_name("الفـاشِر") == normalise_name("الفاشر")
