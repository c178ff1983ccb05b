"""Input words in English, French, Spanish, Arabic, Portuguese and Ukrainian: statuses,
commodities, missing values, yes/no, narrative headings and month names.

An office types its own words: "fermé", "en curso", "fechada", "закрито" and "مغلق" are route
or blockade statuses, "n/d" and "غير متوفر" mean missing, "oui" is yes, "# Points saillants" is
the highlights and "3 juin 2025", "19 de novembro de 2026" or "٣ حزيران ٢٠٢٥" a date. The
English words are the schema's own (`sitrep.tableschema.VOCABULARIES`, `sitrep.inputs.parse`,
`sitrep.inputs.narrative`); the other languages' are data, `sitrep/data/words/<lang>.toml`, and
a workspace adds spellings in `inputs/words.toml` (same layout). A word of any language reads in
every workspace. Each spelling has one meaning: a workspace's word that already means something
else (in sitrep's words of any language, or earlier in its own file: a word in both `yes` and
`no`) is an error naming both meanings.

Words are compared folded (`fold`): case, accents, spacing, Arabic diacritics, tatweel and the
hamza/alef, taa marbuta and alef maqsura variants ignored; Arabic-Indic digits are digits.
Month names come from CLDR through Babel, for the same languages and the Levantine and Maghreb
Arabic month names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from babel.dates import get_day_names, get_month_names

from sitrep.errors import ConfigError
from sitrep.settings.languages import language_of
from sitrep.settings.locales import locale_problem
from sitrep.tableschema import VOCABULARIES, canonical_words

LANGUAGES = ("en", "fr", "es", "ar", "pt", "uk")
# Locales whose CLDR month names are read: Arabic has three sets (Egypt/Gulf, Levant/Iraq, Maghreb).
MONTH_LOCALES = ("en", "fr", "es", "ar", "ar_SY", "ar_IQ", "ar_DZ", "ar_MA", "pt", "uk")
SECTION_ORDER = ("highlights", "overview", "response", "coordination", "funding")
WORKSPACE_FILE = Path("inputs") / "words.toml"

# The English words themselves (the other languages' are data, sitrep/data/words/<lang>.toml):
# a missing value, yes and no, and the narrative's headings.
MISSING_WORDS = {
    "", "n/a", "na", "n.a.", "n.a", "-", "--", "—", "–", "unknown", "not available", "null",
    "nan", "none", "nil", "?",
}  # fmt: skip
TRUE_WORDS = {"yes", "y", "true", "1", "x", "active"}
FALSE_WORDS = {"no", "n", "false", "0", "inactive"}
# The English headings; the other languages' are in sitrep/data/words/<lang>.toml.
SECTION_KEYS = {
    "highlights": "highlights",
    "key messages": "highlights",
    "situation overview": "overview",
    "overview": "overview",
    "response": "response",
    "humanitarian response": "response",
    "coordination": "coordination",
    "funding": "funding",
}

# Arabic-Indic and Extended Arabic-Indic (Persian) digits, as the digits they are.
_DIGITS = {ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")}
_DIGITS |= {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}
_ARABIC = str.maketrans({"ـ": None, "ة": "ه", "ى": "ي", "،": ","}) | _DIGITS
_FILLERS = {"de", "del", "le", "the", "of", "el", "في"}
_ORDINAL_RE = re.compile(r"^(\d{1,2})(?:er|re|eme|st|nd|rd|th|o|°)?$")
_DATE_PUNCTUATION_RE = re.compile(r"[,.\-/]+")


# Combining marks (accents, harakat, the hamza NFKD splits off) and format marks (RLM, LRM,
# zero-width joiners), dropped by one str.translate; those beyond the BMP do not occur in cells.
@functools.cache
def _marks(categories: tuple[str, ...] = ("Mn", "Cf")) -> dict[int, None]:
    return {c: None for c in range(0x10000) if unicodedata.category(chr(c)) in categories}


def latin_digits(text: str) -> str:
    """'٣/٦/٢٠٢٥' -> '3/6/2025', without the invisible direction marks Arabic dates carry."""
    if text.isascii():
        return text
    return text.translate(_DIGITS).translate(_marks(("Cf",)))


def fold(text: str) -> str:
    """A word as compared: 'Fermé ' -> 'ferme', 'أدويـة' -> 'ادويه', '  N/D' -> 'n/d'."""
    if text.isascii():  # the same result, without the Unicode steps (most cells are ASCII)
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_ARABIC))
    # Dropping the combining marks removes Latin accents, Arabic harakat and the hamza that
    # NFKD splits off أ, إ, آ, ؤ, ئ (so they compare as ا, و, ي); format marks (RLM) go too.
    return " ".join(decomposed.translate(_marks()).split())


def word_key(text: str) -> str:
    """A vocabulary word as compared: 'Open-with  Restrictions ' -> 'open with restrictions'."""
    return " ".join(re.sub(r"[_\-]+", " ", fold(text)).split())


@dataclass(frozen=True)
class Words:
    """Folded spelling -> meaning, for every kind of input word."""

    vocabularies: dict[str, dict[str, str]] = field(
        default_factory=dict
    )  # vocab -> word -> canonical
    missing: frozenset[str] = frozenset()
    yes: frozenset[str] = frozenset()
    no: frozenset[str] = frozenset()
    headings: dict[str, str] = field(default_factory=dict)  # folded heading -> section key
    heading_names: dict[str, list[str]] = field(default_factory=dict)  # language -> as written
    calendar: str = ""  # the workspace's locale: its CLDR month names are read in dates too

    def vocabulary(self, vocab: str) -> dict[str, str]:
        return self.vocabularies.get(vocab, {})

    def section(self, heading: str) -> str | None:
        return self.headings.get(fold(heading))

    def known_headings(self, locale: str) -> list[str]:
        """The headings of the report's language, as written, for messages."""
        language = language_of(locale)
        return self.heading_names.get(language) or self.heading_names.get("en", [])


def _read(path: Path, text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per level of nesting
        raise ConfigError(
            f"{path}: not valid TOML for sitrep: lists or tables nested hundreds of levels "
            "deep. A words file is lists of words under at most one [section]: rewrite it so"
        ) from None


def _strings(value: object, where: str) -> list[str]:
    """A list of words from a catalogue, or a ConfigError naming the key."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f'{where}: expected a list of words, like ["word", "other word"]')
    return value


ANSWERS = ("yes", "no", "missing")  # one kind of word: a cell of a yes/no or a figure column
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "ar": "Arabic",
    "pt": "Portuguese",
    "uk": "Ukrainian",
}


def _builtin_source(kind: str, key: str) -> str:
    """Which of sitrep's word lists gives `key` its meaning, for a message: "sitrep's French
    words (sitrep/data/words/fr.toml)". `kind`: a vocabulary, "headings" or "answers"."""
    english = _english()
    if kind == "answers":
        found = key in english.yes | english.no | english.missing
    elif kind == "headings":
        found = key in english.headings
    else:
        found = key in english.vocabulary(kind)
    if found:
        return "in sitrep's English words"
    folder = resources.files("sitrep") / "data" / "words"
    for language in LANGUAGES[1:]:
        data = _read(Path(f"{language}.toml"), (folder / f"{language}.toml").read_text("utf-8"))
        if kind == "answers":
            lists = [data.get(name, []) for name in ANSWERS]
        else:
            lists = list(data.get(kind, {}).values())
        compare = word_key if kind in VOCABULARIES else fold
        if any(compare(w) == key for words in lists for w in words):
            name = LANGUAGE_NAMES[language]
            return f"in sitrep's {name} words (sitrep/data/words/{language}.toml)"
    return "in sitrep's words"


@dataclass
class _Meanings:
    """One kind of word as it is merged: folded spelling -> meaning, and the clashes found.

    A spelling may be given again with the meaning it has; one that already means something
    else (in the words merged so far, or earlier in the same file) is a clash: a workspace adds
    spellings, it never changes what a word means: `[route_status] open = ["closed"]` in
    inputs/words.toml would turn "3 of 5 routes closed" into "0 of 5", and `yes = ["no"]` would
    send the report to partners marked inactive. An error rather than a warning for that reason:
    a warning does not stop a scheduled build, which would issue and email the wrong figures.
    """

    kind: str  # a vocabulary, "headings" or "answers"
    table: dict[str, str]
    clashes: list[str]
    added: set[str] = field(default_factory=set)  # keys this file gave

    def add(self, key: str, meaning: str, written: str, where: str) -> None:
        known = self.table.get(key)
        if known is not None and known != meaning:
            source = (
                "earlier in this file" if key in self.added else _builtin_source(self.kind, key)
            )
            self.clashes.append(
                f"{where} = {written!r}: {written!r} already means {_shown(self.kind, known)} "
                f"{source}, not {_shown(self.kind, meaning)}"
            )
            return
        self.table[key] = meaning
        self.added.add(key)


def _shown(kind: str, meaning: str) -> str:
    if kind == "answers":
        return "a missing value" if meaning == "missing" else meaning
    return f"the {meaning!r} heading" if kind == "headings" else repr(meaning)


def _merge(words: Words, data: dict, language: str, source: str) -> Words:
    """`words` with the spellings of one catalogue added; a ConfigError listing every spelling
    that would take another meaning (see `_Meanings`) or that the file gives two."""
    allowed = {*VOCABULARIES, "headings", *ANSWERS}
    if unknown := sorted(set(data) - allowed):
        raise ConfigError(
            f"{source}: unknown key {unknown[0]!r}; expected: {', '.join(sorted(allowed))}"
        )
    if tables := [k for k in (*VOCABULARIES, "headings") if not isinstance(data.get(k, {}), dict)]:
        raise ConfigError(f"{source}: {tables[0]} must be a [{tables[0]}] section of word lists")
    clashes: list[str] = []
    vocabularies = {name: dict(table) for name, table in words.vocabularies.items()}
    for vocab, table in VOCABULARIES.items():
        meanings = _Meanings(vocab, vocabularies.setdefault(vocab, {}), clashes)
        for canonical, spellings in data.get(vocab, {}).items():
            if canonical not in table:
                known = ", ".join(table)
                raise ConfigError(f"{source}: [{vocab}] {canonical!r} is not one of: {known}")
            for spelling in _strings(spellings, f"{source}: [{vocab}] {canonical}"):
                meanings.add(word_key(spelling), canonical, spelling, f"[{vocab}] {canonical}")
    headings = _Meanings("headings", dict(words.headings), clashes)
    names = {k: list(v) for k, v in words.heading_names.items()}
    for key, spellings in data.get("headings", {}).items():
        if key not in SECTION_ORDER:
            raise ConfigError(f"{source}: [headings] {key!r} is not one of: {SECTION_ORDER}")
        for spelling in _strings(spellings, f"{source}: [headings] {key}"):
            headings.add(fold(spelling), key, spelling, f"[headings] {key}")
            names.setdefault(language, []).append(spelling)
    answers = _Meanings(
        "answers",
        {w: name for name in ANSWERS for w in getattr(words, name)},
        clashes,
    )
    for name in ANSWERS:  # "yes" and "no" first: in a yes/no column they win over "missing"
        for word in _strings(data.get(name, []), f"{source}: {name}"):
            answers.add(fold(word), name, word, name)
    if clashes:
        raise ConfigError(
            f"{source}: {len(clashes)} word(s) would change what a word means. A workspace may "
            "add spellings, not give a word a second meaning: remove these, or use another "
            "spelling:\n  " + "\n  ".join(clashes)
        )

    def answer(name: str) -> frozenset[str]:
        return frozenset(w for w, meaning in answers.table.items() if meaning == name)

    return Words(
        vocabularies, answer("missing"), answer("yes"), answer("no"), headings.table, names
    )


def _english() -> Words:
    """The schema's, parser's and narrative's own English words, in the same shape."""
    vocabularies = {
        vocab: {word_key(k): v for k, v in canonical_words(vocab).items()} for vocab in VOCABULARIES
    }
    names = sorted(SECTION_KEYS, key=lambda h: SECTION_ORDER.index(SECTION_KEYS[h]))
    return Words(
        vocabularies,
        frozenset(fold(w) for w in MISSING_WORDS),
        frozenset(fold(w) for w in TRUE_WORDS),
        frozenset(fold(w) for w in FALSE_WORDS),
        {fold(h): key for h, key in SECTION_KEYS.items()},
        {"en": [h.capitalize() for h in names]},
    )


@functools.cache
def builtin_words() -> Words:
    """English, French, Spanish, Arabic, Portuguese and Ukrainian."""
    words = _english()
    folder = resources.files("sitrep") / "data" / "words"
    for language in LANGUAGES[1:]:
        text = (folder / f"{language}.toml").read_text(encoding="utf-8")
        words = _merge(words, _read(Path(f"{language}.toml"), text), language, f"{language}.toml")
    return words


@functools.cache
def spellings(language: str) -> dict[str, dict[str, list[str]]]:
    """A language's own spellings of each vocabulary's words, as written in its data file:
    {"route_status": {"closed": ["cerrado", ...]}}; empty for English (the words themselves)."""
    path = resources.files("sitrep") / "data" / "words" / f"{language}.toml"
    if language not in LANGUAGES[1:] or not path.is_file():
        return {}
    data = _read(Path(f"{language}.toml"), path.read_text(encoding="utf-8"))
    return {vocab: dict(data.get(vocab, {})) for vocab in VOCABULARIES}


def workspace_words(workspace: Path, locale: str = "en") -> Words:
    """The built-in words, plus the workspace's `inputs/words.toml` if it has one.

    The workspace's headings count as its report language's (they are named in messages).
    """
    path = workspace / WORKSPACE_FILE
    if not path.is_file():
        return dataclasses.replace(builtin_words(), calendar=locale)
    if path.is_symlink() or not path.resolve().is_relative_to(workspace.resolve()):
        raise ConfigError(f"{WORKSPACE_FILE} links out of the workspace: copy the file in instead")
    language = language_of(locale)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{WORKSPACE_FILE}: not UTF-8 text (byte {exc.start + 1}): save it as UTF-8"
        ) from None
    data = _read(WORKSPACE_FILE, text)
    merged = _merge(builtin_words(), data, language, str(WORKSPACE_FILE))
    return dataclasses.replace(merged, calendar=locale)


@functools.cache
def _calendar() -> tuple[dict[str, int], frozenset[str]]:
    """(folded month name -> month, folded weekday names), from CLDR for MONTH_LOCALES."""
    months: dict[str, set[int]] = {}
    weekdays: set[str] = set()
    for locale in MONTH_LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    key = fold(name).rstrip(".")
                    months.setdefault(key, set()).add(number)
                for name in get_day_names(width, context, locale).values():
                    weekdays.add(fold(name).rstrip("."))
    months.setdefault("sept", {9})  # a common English abbreviation CLDR spells "Sep"
    # A name two locales give to different months would be a guess: it is not read.
    return {k: next(iter(v)) for k, v in months.items() if len(v) == 1}, frozenset(weekdays)


@functools.cache
def _workspace_calendar(locale: str) -> tuple[dict[str, int], frozenset[str]]:
    """The calendar with the month and weekday names of `locale` (any locale CLDR has:
    "novembro", "листопада"); its own names win where another language's differ."""
    months, weekdays = _calendar()
    if not locale or locale_problem(locale.replace("-", "_")):
        return months, weekdays
    months, days = dict(months), set(weekdays)
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            for number, name in get_month_names(width, context, locale).items():
                months[fold(name).rstrip(".")] = number
            days |= {fold(n).rstrip(".") for n in get_day_names(width, context, locale).values()}
    return months, frozenset(days)


def text_date(text: str, locale: str = "") -> dt.date | None:
    """'3 juin 2025', '1er juin 2025', '3 de junio de 2025', 'June 3, 2025', '٣ حزيران ٢٠٢٥'.

    The day comes first unless the month does ('Jun 3 2025'); a weekday may lead. None when the
    text is not a date of this form; ValueError for an impossible day (31 juin). `locale`: the
    workspace's, whose month names are read too ('19 de novembro de 2026' in Portuguese).
    """
    months, weekdays = _workspace_calendar(locale) if locale else _calendar()
    tokens = [t for t in _DATE_PUNCTUATION_RE.sub(" ", fold(text)).split() if t not in _FILLERS]
    if len(tokens) > 3 and tokens[0] in weekdays and tokens[0] not in months:
        tokens = tokens[1:]
    if len(tokens) < 3 or not re.fullmatch(r"\d{4}", tokens[-1]):
        return None
    year = int(tokens[-1])
    first = _ORDINAL_RE.match(tokens[0])
    if first and (month := months.get(" ".join(tokens[1:-1]))):
        return dt.date(year, month, int(first.group(1)))
    last = _ORDINAL_RE.match(tokens[-2])
    if last and (month := months.get(" ".join(tokens[:-2]))):
        return dt.date(year, month, int(last.group(1)))
    return None
