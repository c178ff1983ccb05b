"""The settings walker: a sitrep.toml table checked against its sections, into typed settings.

A section's settings are a frozen dataclass whose every field is one key, declared once with
`setting(Key(...))` or a shorthand (`text`, `whole`, `flag`, `one_of`, `day`): its name in
sitrep.toml, TOML types, default as written, allowed values or a checker, its conversion and a
one-line doc. The field's type is what the code reads; its default is the key's, converted.
`Section` names the table the dataclass is read from; `check_settings` walks every section and
returns each one's settings, and every problem at once, each named `section.key`. An unknown
key or section is named with the closest known one ("report.langauge: unknown key; did you mean
`language`?").

A section may also be a table of sub-tables keyed by the user (`each=True`: `[indicators.idps]`,
`[indicators.prices]`), each checked against the same dataclass and named
`indicators.idps.kind`: its settings are a dict by the user's key. A key may take several TOML
types, its `check` saying more: `kinds=(str, dict)` with a check of the table's languages is a
text given once or by language (`crisis = { en = "...", ar = "..." }`).

This module knows no section: they are declared in `sitrep.settings.schema` and beside the code
that reads them (`figures.py`, `limits.py`, `email.py`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

# What a checker returns: None or "" (fine), one problem, or several. A problem is the text
# after "section.key: ", so a checker chooses whether to show the value (a URL with a password
# must not be echoed).
Problems = str | Iterable[str] | None
SETTING = "sitrep.setting"  # where a field's Key is kept, in the dataclass field's metadata


@dataclass(frozen=True, kw_only=True)
class Key:
    """One key of a section: the TOML types it takes and what else it must be."""

    kinds: tuple[type, ...]  # str, int, float, bool, dt.date, list, dict
    expected: str  # "a whole number from 1 to 20": said when the value is not that
    doc: str  # one line, for the README's settings tables
    default: Any = None  # the value when the key is absent, as written in TOML (None: unset)
    required: bool = False
    low: float | None = None  # numbers: the allowed range, both ends included
    high: float | None = None
    choices: tuple[Any, ...] = ()
    check: Callable[[Any], Problems] | None = None  # a further check of a value of the right type
    convert: Callable[[Any], Any] | None = None  # the checked value as the settings object holds it
    name: str = ""  # as written in sitrep.toml; "" (the default): the field's name
    field: str = ""  # the settings object's field (filled in by `Section.keys`)

    @property
    def attribute(self) -> str:
        return self.field or self.name

    def problems(self, value: Any) -> list[str]:
        """Why `value` is not a good value of this key (the texts after "section.key: ")."""
        # bool is an int in Python and a datetime a date: `max_rows = true` is a mistake, not 1
        wrong_type = not isinstance(value, self.kinds) or (
            (isinstance(value, bool) and bool not in self.kinds)
            or (isinstance(value, dt.datetime) and dt.datetime not in self.kinds)
        )
        numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
        out_of_range = numeric and (
            (self.low is not None and value < self.low)
            or (self.high is not None and value > self.high)
        )
        if wrong_type or out_of_range or (self.choices and value not in self.choices):
            return [f"{value!r} is not {self.expected}"]
        found = self.check(value) if self.check else None
        if not found:
            return []
        return [found] if isinstance(found, str) else list(found)

    def converted(self, value: Any) -> Any:
        """A good value (or the default) as the settings object holds it."""
        return self.convert(value) if self.convert and value is not None else value


def setting(key: Key) -> Any:
    """A settings dataclass's field declared by its key: the key's default, converted, as the
    field's (none for a required key); the key kept where `Section.keys` finds it."""
    metadata = {SETTING: key}
    if key.required:
        return field(metadata=metadata)
    default = key.converted(key.default)
    if isinstance(default, list | dict | set):
        return field(default_factory=lambda: key.converted(key.default), metadata=metadata)
    return field(default=default, metadata=metadata)


# -- the shorthands sections are declared with ------------------------------------------------
def text(doc: str, **more: Any) -> Any:
    return setting(Key(kinds=(str,), expected=more.pop("expected", "text"), doc=doc, **more))


def whole(default: int | None, low: int, high: int | None, doc: str, **more: Any) -> Any:
    top = f"from {low:,} to {high:,}" if high is not None else f"of {low} or more"
    expected = more.pop("expected", f"a whole number {top}")
    return setting(
        Key(kinds=(int,), expected=expected, doc=doc, default=default, low=low, high=high, **more)
    )


def flag(default: bool, doc: str) -> Any:
    return setting(Key(kinds=(bool,), expected="true or false", doc=doc, default=default))


def one_of(choices: tuple[str, ...], doc: str, **more: Any) -> Any:
    shown = [repr(c) for c in choices]
    listed = " or ".join(shown) if len(shown) == 2 else "one of: " + ", ".join(shown)
    expected = more.pop("expected", listed)
    return setting(
        Key(kinds=(str,), expected=expected, doc=doc, default=choices[0], choices=choices, **more)
    )


def day(default: dt.date | None, doc: str) -> Any:
    return setting(
        Key(
            kinds=(dt.date,),
            expected="a date (YYYY-MM-DD)",
            doc=doc,
            default=default,
            check=plausible_date,
        )
    )


EARLIEST, LATEST = dt.date(1950, 1, 1), dt.date(2199, 12, 31)  # a date outside is a typo


def plausible_date(value: dt.date) -> str | None:
    if EARLIEST <= value <= LATEST:
        return None
    return f"{value} is not a plausible date (a typo in the year?)"


# A rule checks keys together ("the first language is the locale's"): given the values by field
# (a bad key's is its default) and the table as written, it returns the problems, each a whole
# line ("report.languages: ..."). It runs even when a key is bad, so it checks the types it reads.
Rule = Callable[[dict[str, Any], dict[str, Any]], list[str]]


@dataclass(frozen=True, kw_only=True)
class Section:
    """One `[section]` of sitrep.toml, read into its `settings` dataclass."""

    name: str
    doc: str
    settings: type  # a frozen dataclass whose fields are declared with `setting`
    rules: tuple[Rule, ...] = ()
    # A key that must not be there, and why: `password` says where the password goes instead
    refused: Mapping[str, str] = field(default_factory=dict)
    optional: bool = False  # absent, it is not checked and its settings are None
    each: bool = False  # a table of sub-tables keyed by the user, each one `settings`

    @cached_property
    def keys(self) -> tuple[Key, ...]:
        """The section's keys, in the order its dataclass declares them."""
        return tuple(
            dataclasses.replace(
                f.metadata[SETTING], name=f.metadata[SETTING].name or f.name, field=f.name
            )
            for f in dataclasses.fields(self.settings)
        )

    def key(self, name: str) -> Key:
        return next(k for k in self.keys if k.name == name)


def suggestion(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to a misspelt one ("langauge" -> "language"), or None."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


def unknown(what: str, name: str, known: Iterable[str]) -> str:
    """ "...: unknown key; did you mean `language`?", or the known names when none is close."""
    known = list(known)
    if near := suggestion(name, known):
        return f"unknown {what}; did you mean `{near}`?"
    return f"unknown {what} (known: {', '.join(known)})"


def check_section(
    section: Section, table: Any, where: str = ""
) -> tuple[dict[str, Any], list[str]]:
    """The values of `table` by field name, and every problem (named from `where`, default the
    section's name). A bad or absent key's value is its default (None for a required key), so
    that the other keys are still checked; a table of sub-tables (`each`) gives the values of
    each by the user's key.

    Unknown keys come first, then each key in the order declared, then the section's rules.
    """
    where = where or section.name
    if not isinstance(table, dict):
        return _defaults(section), [f"[{where}]: expected a table of settings"]
    if section.each:
        one = dataclasses.replace(section, each=False)
        values: dict[str, Any] = {}
        problems: list[str] = []
        for name, sub in table.items():
            values[name], more = check_section(one, sub, f"{where}.{name}")
            problems += more
        return values, problems
    names = [k.name for k in section.keys]
    problems = []
    for name in table:
        if name in section.refused:
            problems.append(f"{where}.{name}: {section.refused[name]}")
        elif name not in names:
            problems.append(f"{where}.{name}: {unknown('key', name, names)}")
    values = {}
    for key in section.keys:
        here = f"{where}.{key.name}"
        if key.name not in table:
            if key.required:
                problems.append(f"{here}: missing; set it to {key.expected}")
            values[key.attribute] = key.converted(key.default)
            continue
        found = key.problems(table[key.name])
        problems += [f"{here}: {p}" for p in found]
        values[key.attribute] = key.converted(key.default if found else table[key.name])
    for rule in section.rules:
        problems += rule(values, table)
    return values, problems


def read_section(section: Section, table: Any, where: str = "") -> tuple[Any, list[str]]:
    """The section's settings read from `table` (as `check_section` checks it), and every
    problem; the settings are None when a required key has no good value. A table of
    sub-tables (`each`) gives a dict of settings by the user's key."""
    values, problems = check_section(section, table, where)
    if section.each:  # values by the user's key ({} when `table` is not a table)
        one = dataclasses.replace(section, each=False)
        return {name: _settings(one, v) for name, v in values.items()}, problems
    return _settings(section, values), problems


def _settings(section: Section, values: dict[str, Any]) -> Any:
    if any(k.required and values[k.attribute] is None for k in section.keys):
        return None
    return section.settings(**values)


def _defaults(section: Section) -> dict[str, Any]:
    if section.each:
        return {}
    return {k.attribute: k.converted(k.default) for k in section.keys}


def check_settings(
    sections: tuple[Section, ...], data: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Every section's settings (by section name; an absent section's defaults, None for an
    absent or empty optional one: init's `[email]`, its keys commented), and every problem of
    the whole file: unknown sections first, then each section in the order declared.
    """
    names = [s.name for s in sections]
    problems = [
        f"[{name}]: {unknown('section', name, names)}" for name in data if name not in names
    ]
    found: dict[str, Any] = {}
    for section in sections:
        if section.optional and not data.get(section.name):  # absent, or empty (commented)
            found[section.name] = None
            continue
        found[section.name], more = read_section(section, data.get(section.name, {}))
        problems += more
    return found, problems


def markdown_table(section: Section) -> str:
    """The section as the README's settings table: each key, its default and its doc."""
    name = f"{section.name}.NAME" if section.each else section.name
    rows = [
        f"**`[{name}]`**: {section.doc}.",
        "",
        "| key | default | |",
        "| --- | --- | --- |",
    ]
    for key in section.keys:
        default = "required" if key.required else _toml(key.default)
        doc = key.doc.replace("|", r"\|")
        rows.append(f"| `{key.name}` | {default} | {doc} |")
    return "\n".join(rows)


def _toml(value: Any) -> str:
    """A default as written in sitrep.toml: `"A4"`, `true`, `2_000_000`; "unset" for None."""
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, int):
        return f"`{value:_}`" if value >= 10_000 else f"`{value}`"
    if isinstance(value, str):
        return f'`"{value}"`'
    if isinstance(value, list) and value:  # ["pdf", "html"]
        return "`[" + ", ".join(f'"{v}"' for v in value) + "]`"
    return f"`{value}`"  # a date, a float, []
