"""Countries: an ISO3 code or a name in any language -> `Country`; names in the report's language.

Names come from CLDR through Babel (every language Babel knows), and ISO3 codes from CLDR's own
table of three-letter aliases ("HTI" -> "HT"), so sitrep keeps no country list of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from sitrep.geo.names import normalise_name

# Languages whose country names are always accepted, besides the report's own.
NAME_LANGUAGES = ("en", "fr", "es", "pt", "ar", "ru")


class UnknownCountry(ValueError):
    """The text is neither an ISO3 code nor a country name."""


@dataclass(frozen=True)
class Country:
    iso3: str  # "HTI"
    iso2: str  # "HT"
    name: str  # in English: "Haiti"

    def name_in(self, locale: str) -> str:
        """The country's name in a language: 'Haïti' for 'fr' (English when CLDR has none)."""
        return country_name(self.iso2, locale) or self.name


@cache
def iso2_of() -> dict[str, str]:
    """ISO3 -> ISO2 for every country CLDR knows."""
    aliases = get_global("territory_aliases")
    return {
        code: targets[0]
        for code, targets in aliases.items()
        if len(code) == 3 and code.isalpha() and len(targets) == 1 and len(targets[0]) == 2
    }


@cache
def iso3_of() -> dict[str, str]:
    """ISO2 -> ISO3 (the first ISO3 code CLDR maps to it, deprecated aliases last)."""
    out: dict[str, str] = {}
    deprecated = {"BUR", "DDR", "FXX", "TMP", "YMD", "ZAR", "SCG", "YUG", "ROM", "NTZ"}
    for iso3, iso2 in sorted(iso2_of().items(), key=lambda kv: (kv[0] in deprecated, kv[0])):
        out.setdefault(iso2, iso3)
    return out


def _locale(locale: str) -> Locale | None:
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def country_name(iso2: str, locale: str) -> str | None:
    found = _locale(locale)
    return found.territories.get(iso2) if found else None


@cache
def _names(language: str) -> dict[str, str]:
    """Normalised country name in one language -> ISO3 (one locale's data: ~10 ms)."""
    found = _locale(language)
    if not found:
        return {}
    out: dict[str, str] = {}
    for iso3, iso2 in iso2_of().items():
        if name := found.territories.get(iso2):
            out.setdefault(normalise_name(name), iso3_of().get(iso2, iso3))
    return out


def country(iso3: str) -> Country:
    """The country of an ISO3 code (UnknownCountry if CLDR does not know it)."""
    code = iso3.strip().upper()
    iso2 = iso2_of().get(code)
    if not iso2:
        raise UnknownCountry(f"{iso3!r} is not an ISO3 country code")
    return Country(code, iso2, country_name(iso2, "en") or code)


def resolve_country(text: str, locale: str = "en") -> Country:
    """'HTI', 'Haiti', 'Haïti', 'haiti', 'Tchad' -> the Country; UnknownCountry otherwise."""
    code = text.strip().upper()
    if len(code) == 3 and code in iso2_of():
        return country(code)
    key = normalise_name(text)
    for language in dict.fromkeys((locale, *NAME_LANGUAGES)):  # the report's language first
        if iso3 := _names(language).get(key):
            return country(iso3)
    raise UnknownCountry(
        f"{text!r} is not a country: write its ISO3 code (e.g. HTI, TCD) or its name"
        f" in English or in the report's language"
    )
