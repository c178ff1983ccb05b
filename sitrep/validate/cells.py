"""The parser for each kind of column: people, dates, P-codes and place names, words, ...

A P-code column takes a P-code in any of its written forms (HT0111, HTI0111, ht 0111) or a place
name the gazetteer knows, and gives the canonical P-code; a near miss gets a suggestion, another
country's place says which country it is in (see `sitrep.geo.areas`). A vocabulary column takes its
words in any case and spacing, in English, French, Spanish or Arabic (see
`sitrep.tableschema.VOCABULARIES` and `sitrep.inputs.words`), and a workspace's own in
`inputs/words.toml`. Numbers are read as the workspace's locale writes them (`1.750` is 1,750
in `pt`, 1.75 in `en`: `sitrep.inputs.numbers`), the same in every column of every table.
"""

from __future__ import annotations

from sitrep.geo.countries import UnknownCountry, resolve_country
from sitrep.geo.gazetteer import Gazetteer
from sitrep.inputs import parse
from sitrep.inputs import words as input_words
from sitrep.tableschema import VOCABULARIES, Column


def _date(value: object) -> parse.Parsed:
    return parse.parse_date(value)[:2]


SIMPLE_PARSERS: dict[str, parse.Parser] = {
    "people": parse.parse_people,
    "number": parse.parse_number,
    "email": parse.parse_email,
    "display_name": parse.parse_display_name,
    "lists": parse.parse_lists,
    "bool": parse.parse_bool,
    "date": _date,
    "text": parse.parse_text,
}


def area_parser(gazetteer: Gazetteer) -> parse.Parser:
    def parse_area(value: object) -> parse.Parsed:
        if parse.is_missing(value):
            return None, None
        area, message = gazetteer.lookup(parse.as_text(value))
        return (area.pcode, None) if area else (None, message)

    return parse_area


def area_or_country_parser(gazetteer: Gazetteer) -> parse.Parser:
    """An area at any admin level, as `area_parser`, or the workspace's country itself (its
    ISO3 or ISO2 code, or its name in a language CLDR knows): its ISO3 code ("AFG")."""
    parse_area = area_parser(gazetteer)
    own = gazetteer.country

    def parse_place(value: object) -> parse.Parsed:
        found, message = parse_area(value)
        if found is not None or message is None or own is None:
            return found, message
        text = parse.as_text(value).strip()
        if text.upper() in (own.iso3, own.iso2):
            return own.iso3, None
        try:
            named = resolve_country(text)
        except UnknownCountry:
            return None, message
        return (own.iso3, None) if named.iso3 == own.iso3 else (None, message)

    return parse_place


def vocabulary_parser(vocab: str, words: input_words.Words | None = None) -> parse.Parser:
    """Any language's spelling of the vocabulary's words -> the canonical (English) word."""
    known = (words or input_words.builtin_words()).vocabulary(vocab)
    return parse.word_parser(known, list(VOCABULARIES[vocab]))


def _with_missing(parser: parse.Parser, missing: frozenset[str]) -> parse.Parser:
    """`parser`, reading the workspace's own missing-value words as missing too."""

    def parse_cell(value: object) -> parse.Parsed:
        if isinstance(value, str) and input_words.fold(value) in missing:
            return None, None
        return parser(value)

    return parse_cell


def cell_parser(
    column: Column,
    gazetteer: Gazetteer,
    words: input_words.Words | None = None,
    locale: str | None = None,
) -> parse.Parser:
    """The parser for one column of a schema (`words`: the workspace's, else the built-in;
    `locale`: how the workspace writes numbers, None when its locale is not set)."""
    if column.kind == "vocab":
        return vocabulary_parser(column.vocab or "", words)
    if column.kind == "bool" and words is not None:
        return lambda value: parse.parse_bool(value, words)
    if column.kind == "pcode":
        parser = area_parser(gazetteer)
    elif column.kind == "area":
        parser = area_or_country_parser(gazetteer)
    elif column.kind == "people":
        parser = parse.people_parser(locale)
    elif column.kind == "number":
        parser = parse.number_parser(locale)
    elif column.kind == "date" and words is not None and words.calendar:  # its month names too

        def parser(value: object, calendar: str = words.calendar) -> parse.Parsed:
            return parse.parse_date(value, calendar)[:2]

    else:
        parser = SIMPLE_PARSERS[column.kind]
    extra = words.missing - input_words.builtin_words().missing if words is not None else None
    return _with_missing(parser, extra) if extra else parser
