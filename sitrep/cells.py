"""The parser for each kind of column: people, dates, P-codes and place names, words, ...

A P-code column takes a P-code in any of its written forms (HT0111, HTI0111, ht 0111) or a place
name the gazetteer knows, and gives the canonical P-code; a near miss gets a suggestion, another
country's place says which country it is in (see `sitrep.geo.areas`). A vocabulary column takes its
words in any case and spacing (see `sitrep.schema.VOCABULARIES`).
"""

from __future__ import annotations

from sitrep import parse
from sitrep.gazetteer import Gazetteer
from sitrep.schema import VOCABULARIES, Column, canonical_words


def _date(value: object) -> parse.Parsed:
    return parse.parse_date(value)[:2]


SIMPLE_PARSERS: dict[str, parse.Parser] = {
    "people": parse.parse_people,
    "number": parse.parse_number,
    "email": parse.parse_email,
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


def vocabulary_parser(vocab: str) -> parse.Parser:
    words = {parse.word_key(k): v for k, v in canonical_words(vocab).items()}
    return parse.word_parser(words, list(VOCABULARIES[vocab]))


def cell_parser(column: Column, gazetteer: Gazetteer) -> parse.Parser:
    """The parser for one column of a schema."""
    if column.kind == "vocab":
        return vocabulary_parser(column.vocab or "")
    if column.kind == "pcode":
        return area_parser(gazetteer)
    return SIMPLE_PARSERS[column.kind]
