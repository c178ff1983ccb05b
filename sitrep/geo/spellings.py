"""The names a report prints for places, in its language, and the words that say a place is an
admin area, in six languages.

An area's name in a language is, first found: the office's COD file's name in the language
(`ADM2_AR` in an Arabic report), the places table's column for the language (`name_ar`,
`#loc+name+i_ar`), the places table's own spelling (`Ouest` for HT01), then the list's name. A
name written in another script than the language's ("الفاشر" in an English report) is passed
over while one in the language's script is left: the script of a language is CLDR's (Babel's
likely subtags: `ar` -> Arab, `uk` -> Cyrl), that of a name its first letter's.

A place that is not an area (a town, a camp, a pass) is named the same way from its places row:
its column for the language, else its name.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from babel.core import Locale, UnknownLocaleError, get_global, parse_locale

from sitrep.geo.names import normalise_name

# Place types that say a places row is an admin area itself (its name is the area's spelling),
# in English, French, Spanish, Portuguese, Arabic and Ukrainian (and Russian), compared as names
# are (`normalise_name`: no case, accents or spaces). "locality" and "zone" are left out: as
# often a village as Sudan's admin 2.
ADMIN_TYPES = frozenset(
    normalise_name(word)
    for word in (
        # English
        "admin", "area", "adm", "region", "province", "district", "state", "county",
        "department", "departement", "commune", "governorate", "oblast", "raion", "hromada",
        "municipality", "prefecture", "subprefecture", "canton", "woreda", "division",
        # French
        "département", "région", "préfecture", "sous-préfecture", "arrondissement", "cercle",
        "section communale", "wilaya", "gouvernorat",
        # Spanish
        "departamento", "provincia", "municipio", "distrito", "región", "estado", "cantón",
        "parroquia", "corregimiento",
        # Portuguese
        "província", "município", "posto administrativo", "concelho", "região", "sector",
        "setor", "freguesia",
        # Arabic: governorate, state, province, district, directorate, sub-district, region
        "محافظة", "ولاية", "مقاطعة", "قضاء", "مديرية", "ناحية", "إقليم", "عمالة", "دائرة",
        "بلدية",
        # Ukrainian and Russian: oblast, raion, hromada, municipality
        "область", "район", "громада", "муніципалітет", "округ", "муниципалитет",
    )
)  # fmt: skip


def is_admin_type(kind: object) -> bool:
    """True for a blank type or an admin word ("Département", "admin2", "distrito", "район")."""
    if kind is None or not str(kind).strip():
        return True
    word = normalise_name(str(kind)).rstrip("0123456789")
    return word in ADMIN_TYPES or word.removeprefix("sub") in ADMIN_TYPES


# ISO 15924 script codes (CLDR's) -> the first word of Unicode's names of their letters
_SCRIPT_NAMES = {
    "Latn": "LATIN", "Arab": "ARABIC", "Cyrl": "CYRILLIC", "Ethi": "ETHIOPIC", "Hebr": "HEBREW",
    "Mymr": "MYANMAR", "Grek": "GREEK", "Deva": "DEVANAGARI", "Beng": "BENGALI", "Thai": "THAI",
    "Khmr": "KHMER", "Geor": "GEORGIAN", "Armn": "ARMENIAN", "Hans": "CJK", "Hant": "CJK",
    "Kore": "HANGUL", "Sinh": "SINHALA", "Taml": "TAMIL", "Tibt": "TIBETAN", "Laoo": "LAO",
    "Thaa": "THAANA", "Tfng": "TIFINAGH", "Gujr": "GUJARATI", "Guru": "GURMUKHI",
}  # fmt: skip


# the Unicode name -> the code CLDR names the script by ("CJK" letters are Han, "Hani")
_SCRIPT_CODES = {name: code for code, name in _SCRIPT_NAMES.items()} | {"CJK": "Hani"}


class Script(str):
    """A script's name in a message: English (`Cyrillic`), which it is, and written in the
    message's language by CLDR's name for its ISO 15924 `code` (`Cyrl`: `cyrillique`,
    `кирилиця`, `السيريلية`; `sitrep.problems.Wording` calls `written_in`)."""

    code: str

    def __new__(cls, code: str, english: str) -> Script:
        name = str.__new__(cls, english)
        name.code = code
        return name

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]  # pickled as made
        return (self.code, str(self))

    def written_in(self, locale: str) -> str:
        try:
            names = Locale.parse(locale.replace("-", "_")).scripts
        except (UnknownLocaleError, ValueError):
            return str(self)
        return names.get(self.code) or str(self)


def script_name(script: str) -> str:
    """'CYRILLIC' (`text_script`'s name) as a message names it: `Script("Cyrl", "Cyrillic")`;
    a script CLDR has no code for sitrep knows, in English ('Hiragana')."""
    code = _SCRIPT_CODES.get(script)
    return Script(code, script.title()) if code else script.title()


@cache
def _language(code: str) -> str:
    """'fa_AF' -> 'fa' by Babel's parser (geo lies below sitrep.settings.locales.language_of,
    which names the gazetteer's language); the code itself when it is no locale."""
    try:
        return parse_locale(code.replace("-", "_"))[0]
    except ValueError:
        return code


@cache
def language_script(language: str) -> str | None:
    """'ARABIC' for 'ar', 'CYRILLIC' for 'uk', 'LATIN' for 'fr' (CLDR's likely script), or None
    when CLDR does not say or sitrep does not know the script's letters."""
    likely = get_global("likely_subtags").get(_language(language), "")
    script = parse_locale(likely)[2] if likely else None
    return _SCRIPT_NAMES.get(script or "")


def text_script(text: str) -> str | None:
    """The script of a name's first letter: 'ARABIC' for 'الفاشر', 'LATIN' for 'Al Fasher'."""
    letter = next((c for c in text if c.isalpha()), None)
    return unicodedata.name(letter, "").split(" ")[0] or None if letter else None


def fits(language: str, text: str) -> bool:
    """True unless `text` is plainly written in another script than `language`'s."""
    want, have = language_script(language), text_script(text)
    return want is None or have is None or want == have


def in_language(language: str, names: Iterable[str | None]) -> str:
    """The first of `names` (in order of preference) written in the language's script, else
    the first name at all; '' when there is none."""
    given = [n for n in names if n]
    return next((n for n in given if fits(language, n)), given[0] if given else "")


def of_language(names: dict[str, str], language: str) -> str | None:
    """The name for `language` in {language or locale: name} ('fa_AF' is Persian's)."""
    if language in names:
        return names[language]
    return next((n for key, n in names.items() if _language(key) == language), None)


@dataclass
class Spellings:
    """The workspace's own names, from its places table, by area and by place."""

    preferred: dict[str, str] = field(default_factory=dict)  # P-code -> the area's own row's name
    local: dict[str, dict[str, str]] = field(default_factory=dict)  # P-code -> {lang: name}
    # every places row, by each of its names and aliases (normalised) -> {"": name, lang: name}
    places: dict[str, dict[str, str]] = field(default_factory=dict)

    def copy(self) -> Spellings:
        return Spellings(
            dict(self.preferred),
            {k: dict(v) for k, v in self.local.items()},
            {k: dict(v) for k, v in self.places.items()},
        )

    def add_place(self, name: str, aliases: Iterable[str], names: dict[str, str]) -> None:
        """A places row: found by its name, aliases and names in every language."""
        entry = {"": name.strip(), **{k: v.strip() for k, v in names.items() if v and v.strip()}}
        for spelling in (name, *aliases, *names.values()):
            if key := normalise_name(spelling or ""):
                self.places.setdefault(key, entry)

    def area_name(self, pcode: str, language: str, cod: dict[str, str], listed: str) -> str:
        """An area's name in `language`: the COD's, the places table's column for the
        language, the places table's spelling, then the list's (`listed`)."""
        own = of_language(cod, language) or of_language(self.local.get(pcode, {}), language)
        return own or in_language(language, (self.preferred.get(pcode), listed))

    def place_name(self, text: str, language: str) -> str | None:
        """A places row's name in `language`, for any of its names; None when no row has it."""
        entry = self.places.get(normalise_name(text))
        if entry is None:
            return None
        return of_language(entry, language) or in_language(language, (entry[""], text))
