"""The parser for each kind of column: people, dates, P-codes and place names, words, ...

A P-code column takes a P-code (AF0907, AFG0907) or a place name the gazetteer knows (Banu);
a near miss gets a suggestion ("Andrab": did you mean Andarab?). A vocabulary column takes its
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
        text = parse.as_text(value)
        area = gazetteer.resolve(text)
        if area:
            return area.pcode, None
        hint = gazetteer.suggest(text)
        if hint:
            return None, f"unknown place or P-code; did you mean {hint}?"
        return None, "unknown place or P-code: expected a P-code like AF0907 or a known place name"

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
