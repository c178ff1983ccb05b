"""A country's admin areas and the lookups on them: P-codes as written, names as typed.

- P-codes: "HT0111", "ht 0111", "HTI0111" and, for a country whose P-codes have a 3-letter
  prefix, the 2-letter form other sources write ("TD0704" for "TCD0704"), are one canonical
  code (the lengths file says which prefix is canonical, as OCHA's HAPI pipeline does).
- Levels and parents come from the list, never from a code's length or characters.
- Names: compared without case, accents, punctuation or spacing; the workspace's places table
  adds aliases and its preferred spelling, which the report prints.
- Near misses get a suggestion from rapidfuzz; a well-formed but unknown code gets the list it
  was looked up in (with its date) and the nearest codes; a place of another country says which.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from sitrep.geo import pcodelist, spellings
from sitrep.geo.countries import Country
from sitrep.geo.names import compact_code, normalise_name, split_code
from sitrep.geo.spellings import Spellings, is_admin_type, language_script, text_script
from sitrep.geo.unknown import Reason, Unknown, other_country
from sitrep.problems import Message

GLOBAL_LIST = "global list"
COD_FILE = "COD file"
PLACES_TABLE = "places table"
SUGGEST_CUTOFF = 80  # rapidfuzz ratio (0-100) a name must reach to be suggested


@dataclass(frozen=True)
class Area:
    """An admin area: its canonical P-code, the list's name, level and parent."""

    pcode: str
    name: str
    level: int
    parent: str | None = None  # the parent area's P-code; None at admin 1
    source: str = GLOBAL_LIST  # where the area came from: global list, COD file, places table
    names: dict[str, str] = field(default_factory=dict, hash=False, compare=False)  # lang -> name
    valid_from: str = ""


@dataclass(frozen=True)
class Match:
    """One answer of `Gazetteer.search`: the area, and the name it matched and where from."""

    area: Area
    matched: str
    origin: str


class Gazetteer:
    """One country's areas, looked up by P-code (any way it is written) or by name."""

    def __init__(
        self,
        country: Country | None = None,
        areas: Iterable[Area] = (),
        list_name: str = "",
        language: str = "en",
    ) -> None:
        self.country = country
        self.areas: dict[str, Area] = {}
        self.by_name: dict[str, list[str]] = {}  # normalised name -> P-codes, in order
        self.name_origin: dict[tuple[str, str], str] = {}  # (normalised, pcode) -> where from
        self.spelling: dict[tuple[str, str], str] = {}  # (normalised, pcode) -> as written
        self.spellings = Spellings()  # the workspace's own names (its places table)
        self.list_name = list_name  # "OCHA Global P-Code List (HTI, valid from 1987-03-29)"
        # The lists, for the report's credit: (title, date), without words of any language.
        self.lists: list[tuple[str, str]] = []
        self.language = language  # names are printed in it: 'fr', 'ar' (not a locale)
        for area in areas:
            self.add(area)

    # -- building ------------------------------------------------------------------------------
    def add(self, area: Area, aliases: Iterable[str] = ()) -> None:
        """Add (or replace) an area; its names and aliases find it."""
        self.areas[area.pcode] = area
        for alias in (area.name, *area.names.values(), *aliases):
            self.add_name(alias, area.pcode, area.source)

    def add_name(self, name: str, pcode: str, origin: str, first: bool = False) -> None:
        key = normalise_name(name)
        if not key:
            return
        codes = self.by_name.setdefault(key, [])
        if self.name_origin.get((key, pcode)) == GLOBAL_LIST:  # a COD file's name is its own
            self.name_origin[(key, pcode)] = origin
        if pcode in codes:
            if first:
                codes.remove(pcode)
            else:
                return
        if first:
            codes.insert(0, pcode)
        else:
            codes.append(pcode)
        self.name_origin.setdefault((key, pcode), origin)
        self.spelling.setdefault((key, pcode), name.strip())

    def copy(self) -> Gazetteer:
        new = Gazetteer(self.country, (), self.list_name, self.language)
        new.areas = dict(self.areas)
        new.by_name = {k: list(v) for k, v in self.by_name.items()}
        new.name_origin = dict(self.name_origin)
        new.spelling = dict(self.spelling)
        new.lists = list(self.lists)
        new.spellings = self.spellings.copy()
        return new

    def extended(self, places: Iterable[tuple]) -> Gazetteer:
        """A copy with the workspace's places: (pcode, name, aliases[, type[, names]]) rows,
        `names` the row's names by language ({"ar": "الفاشر"}, its `name_<lang>` columns).

        A place whose P-code is one of the country's areas adds its names and aliases to that
        area (they win over the lists' names). When the row is the area itself (no type, or an
        admin type: "district", "commune", "distrito", "مديرية", ...), its names are also the
        area's own spellings, which the report prints (the first such row). A town or a pass
        in the area only adds names. Every row, a site without a P-code too, is named in the
        report's language where it has a name in it (`place_name`).
        """
        new = self.copy()
        for pcode, name, aliases, *more in places:
            kind = more[0] if more else None
            names = (more[1] if len(more) > 1 else None) or {}
            new.spellings.add_place(name, aliases, names)
            code = new.canonical(pcode) if pcode else None
            if code is None:
                continue
            if is_admin_type(kind):
                new.spellings.preferred.setdefault(code, name.strip())
                new.spellings.local.setdefault(code, dict(names))
            for alias in (name, *aliases, *names.values()):
                new.add_name(alias, code, PLACES_TABLE, first=True)
        return new

    def localised(self, language: str) -> Gazetteer:
        """A copy that prints names in `language` ('fr', from `sitrep.settings.languages.
        language_of`) where a COD file gives them."""
        new = self.copy()
        new.language = language
        return new

    # -- P-codes -------------------------------------------------------------------------------
    def prefixes(self) -> set[str]:
        """The prefixes this country's P-codes are written with: ISO2 and ISO3."""
        if self.country is None:
            return set()
        return {self.country.iso2, self.country.iso3}

    def canonical_prefix(self) -> str:
        if self.country is None:
            return ""
        found = pcodelist.lengths().get(self.country.iso3)
        if found is None or found.prefix == 2:
            return self.country.iso2
        return self.country.iso3 if found.prefix == 3 else ""  # 0: digits only (Tajikistan)

    def canonical(self, text: str) -> str | None:
        """The canonical P-code for a code as written (AFG0907, af 0907, TD0704), or None."""
        code = compact_code(text)
        if code in self.areas:
            return code
        parts = split_code(code)
        if parts and parts[0] in self.prefixes():
            fixed = self.canonical_prefix() + parts[1]
            if fixed in self.areas:
                return fixed
        return None

    def looks_like_pcode(self, text: str) -> bool:
        """Letters of this country's prefixes followed by digits (or digits alone, for TJK)."""
        parts = split_code(text)
        if not parts:
            return False
        if parts[0]:
            return parts[0] in self.prefixes()
        return self.canonical_prefix() == "" or len(parts[1]) >= 4

    def nearest_codes(self, text: str, n: int = 3) -> list[str]:
        """The known codes closest to a well-formed unknown one (same prefix, nearest digits)."""
        parts = split_code(text)
        if not parts:
            return []
        wanted = self.canonical_prefix() + parts[1]

        def closeness(code: str) -> tuple[int, int, int]:
            shared = next(
                (i for i, (a, b) in enumerate(zip(code, wanted, strict=False)) if a != b),
                min(len(code), len(wanted)),
            )
            digits = split_code(code)
            number = abs(int(digits[1]) - int(parts[1])) if digits and digits[1] else 10**9
            return (-shared, abs(len(code) - len(wanted)), number)

        return sorted(self.areas, key=closeness)[:n]

    # -- lookups -------------------------------------------------------------------------------
    def resolve(self, text: str) -> Area | None:
        """The area for a P-code in any of its written forms or for a name; None if unknown
        or if the name is ambiguous (see `find`)."""
        found = self.find(text)
        return found if isinstance(found, Area) else None

    def lookup(self, text: str) -> tuple[Area | None, Message | None]:
        """(area, None), or (None, a message saying why not and what was meant)."""
        found = self.find(text)
        return (found, None) if isinstance(found, Area) else (None, found.message)

    def find(self, text: str) -> Area | Unknown:
        """The area `text` names (a P-code in any written form, or a name), or why none."""
        code = self.canonical(text)
        if code is not None:
            return self.areas[code]
        key = normalise_name(text)
        codes = self.by_name.get(key, [])
        if codes:
            chosen = self._choose(key, codes)
            if chosen is not None:
                return self.areas[chosen]
            listed = tuple(self._described(c) for c in codes[:4])
            return Unknown(Reason.AMBIGUOUS, Message("invalid-value.ambiguous", areas=listed))
        return self.unknown(text)

    def _choose(self, key: str, codes: list[str]) -> str | None:
        """Among the areas of one name: the workspace's, else the one at the highest level."""
        if self.name_origin.get((key, codes[0])) == PLACES_TABLE:
            return codes[0]
        top = min(self.areas[c].level for c in codes)
        at_top = [c for c in codes if self.areas[c].level == top]
        return at_top[0] if len(at_top) == 1 else None

    def unknown(self, text: str) -> Unknown:
        """Why a text is not a place of this country: another country's, a near miss, ..."""
        where = self.list_name or Message("invalid-value.places-table")
        if self.looks_like_pcode(text):
            if near := ", ".join(self.nearest_codes(text)):
                message = Message("invalid-value.unknown-pcode-near", where=where, nearest=near)
                return Unknown(Reason.UNKNOWN_PCODE, message)
            return Unknown(
                Reason.UNKNOWN_PCODE, Message("invalid-value.unknown-pcode", where=where)
            )
        if other := other_country(text, self.country):
            return other
        if hint := self.suggest(text):
            return Unknown(Reason.UNKNOWN, Message("invalid-value.unknown-place-hint", hint=hint))
        if (script := text_script(text)) and not any(
            text_script(k) == script for k in self.by_name
        ):
            lang = self.language if language_script(self.language) == script else "xx"
            message = Message(
                "invalid-value.unknown-place-script",
                where=where,
                script=spellings.script_name(script),
                lang=lang,
                column=lang.upper(),
            )
            return Unknown(Reason.UNKNOWN, message)
        if example := next(iter(self.areas), ""):
            message = Message("invalid-value.unknown-place-like", example=example, where=where)
            return Unknown(Reason.UNKNOWN, message)
        return Unknown(Reason.UNKNOWN, Message("invalid-value.unknown-place", where=where))

    def suggest(self, text: str) -> str | None:
        """The closest known name, for 'did you mean ...?' (None when nothing is close)."""
        key = normalise_name(text)
        if not key or not self.by_name:
            return None
        found = process.extractOne(
            key, list(self.by_name), scorer=fuzz.ratio, score_cutoff=SUGGEST_CUTOFF
        )
        if not found:
            return None
        pcode = self.by_name[found[0]][0]
        return f"{self.name(pcode)} ({pcode})"

    # -- what the report prints ----------------------------------------------------------------
    def name(self, pcode: str) -> str:
        """The name the report prints, in its language: the COD's in the language, the places
        table's (its column for the language, then its spelling), else the list's
        (`sitrep.geo.spellings`); the code itself when unknown."""
        area = self.areas.get(pcode)
        if area is None:
            return pcode
        return self.spellings.area_name(pcode, self.language, area.names, area.name)

    def place_name(self, text: str) -> str:
        """A place as a cell names it (a town, a market, an area), in the report's language:
        its places row's name in the language, else the area of that name's; else as typed."""
        if found := self.spellings.place_name(text, self.language):
            return found
        codes = self.by_name.get(normalise_name(text), [])
        return self.name(codes[0]) if len(codes) == 1 else text

    def describe(self, pcode: str) -> str:
        """'Pétion-Ville, admin 2 in Ouest (HT01)'."""
        area = self.areas[pcode]
        text = f"{self.name(pcode)}, admin {area.level}"
        if area.parent and area.parent in self.areas:
            text += f" in {self.name(area.parent)} ({area.parent})"
        return text

    def _described(self, pcode: str) -> Message:
        """'HT0114 (Pétion-Ville, admin 2 in Ouest (HT01))', for a message."""
        area = self.areas[pcode]
        name, level = self.name(pcode), str(area.level)
        if area.parent and area.parent in self.areas:
            parent = self.name(area.parent)
            return Message(
                "invalid-value.area-in",
                pcode=pcode,
                name=name,
                level=level,
                parent=parent,
                parent_pcode=area.parent,
            )
        return Message("invalid-value.area", pcode=pcode, name=name, level=level)

    def level(self, level: int) -> list[Area]:
        """The areas of one admin level, in P-code order."""
        return sorted((a for a in self.areas.values() if a.level == level), key=lambda a: a.pcode)

    def levels(self) -> list[int]:
        return sorted({a.level for a in self.areas.values()})

    def parent(self, pcode: str) -> Area | None:
        """The area's parent, if it is a known area at a lower level: None at admin 1, and for
        a tree loading refuses (`sitrep.geo.tree`), so that every walk up ends."""
        area = self.areas.get(pcode)
        if area is None or not area.parent:
            return None
        parent = self.areas.get(area.parent)
        return parent if parent is not None and parent.level < area.level else None

    def ancestor(self, pcode: str, level: int = 1) -> str | None:
        """The P-code of the area's ancestor at `level` (itself at that level); None if none.
        Each step goes at least a level down (`parent`), so the walk ends on any list."""
        area = self.areas.get(pcode) or self.areas.get(self.canonical(pcode) or "")
        while area is not None and area.level > level:
            area = self.parent(area.pcode)
        return area.pcode if area is not None and area.level == level else None

    def admin1(self, pcode: str) -> str | None:
        """The admin-1 area an area lies in (itself for an admin-1 area)."""
        return self.ancestor(pcode, 1)

    def search(self, query: str, level: int | None = None, limit: int = 20) -> list[Match]:
        """Areas whose names or codes match `query`: exact, then prefix, then fuzzy."""
        key = normalise_name(query)
        found: dict[str, Match] = {}
        code = self.canonical(query) if query.strip() else None
        if code:
            found[code] = Match(self.areas[code], code, self.areas[code].source)
        names = list(self.by_name)
        exact = [k for k in names if k == key]
        prefix = [k for k in names if key and k.startswith(key) and k != key]
        inside = [k for k in names if key and key in k and k not in prefix and k != key]
        fuzzy: list[str] = []
        if key and not (exact or prefix or inside):
            fuzzy = [
                k
                for k, score, _ in process.extract(key, names, scorer=fuzz.ratio, limit=limit)
                if score >= SUGGEST_CUTOFF - 10
            ]
        for k in [*exact, *prefix, *inside, *fuzzy]:
            for pcode in self.by_name[k]:
                if pcode not in found:
                    origin = self.name_origin.get((k, pcode), self.areas[pcode].source)
                    spelled = self.spelling.get((k, pcode), k)
                    found[pcode] = Match(self.areas[pcode], spelled, origin)
        if not key and level is not None:
            found = {a.pcode: Match(a, a.name, a.source) for a in self.level(level)}
        matches = [m for m in found.values() if level is None or m.area.level == level]
        return matches if not key else matches[:limit]


def with_areas(
    gazetteer: Gazetteer, areas: Iterable[Area], list_name: str, source: tuple[str, str]
) -> Gazetteer:
    """A copy where `areas` (from a COD file) take precedence over the same codes' areas."""
    new = gazetteer.copy()
    for area in areas:
        old = new.areas.get(area.pcode)
        if old is not None:
            area = dataclasses.replace(area, names={**old.names, **area.names})
        new.add(area)
    new.list_name = list_name
    new.lists.insert(0, source)
    return new
