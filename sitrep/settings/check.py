"""The settings walker: a sitrep.toml table checked against its declared sections and keys.

A `Section` declares its keys once (`Key`: name, TOML types, default, allowed values or a
checker, a one-line doc); `check_settings` walks every section and returns the values, defaults
filled, and every problem at once, each named `section.key`. An unknown key or section is named
with the closest known one ("report.langauge: unknown key; did you mean `language`?").

This module knows no section: they are declared in `sitrep.settings.schema` (and `[email]` in
`sitrep.delivery.model`, with these same types).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

# What a checker returns: None or "" (fine), one problem, or several. A problem is the text
# after "section.key: ", so a checker chooses whether to show the value (a URL with a password
# must not be echoed).
Problems = str | Iterable[str] | None


@dataclass(frozen=True)
class Key:
    """One key of a section: the TOML types it takes and what else it must be."""

    name: str
    kinds: tuple[type, ...]  # str, int, float, bool, dt.date, list
    expected: str  # "a whole number from 1 to 20": said when the value is not that
    doc: str  # one line, for the README's settings tables
    default: Any = None  # the value when the key is absent, as written in TOML (None: unset)
    required: bool = False
    low: float | None = None  # numbers: the allowed range, both ends included
    high: float | None = None
    choices: tuple[Any, ...] = ()
    check: Callable[[Any], Problems] | None = None  # a further check of a value of the right type
    convert: Callable[[Any], Any] | None = None  # the checked value as the settings object holds it
    field: str = ""  # the settings object's field, when it is not `name` ("from" -> "from_addr")

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


# A rule checks keys together ("the first language is the locale's"): given the values (a bad
# key's is its default) and the table as written, it returns the problems, each a whole line
# ("report.languages: ..."). It runs even when a key is bad, so it checks the types it reads.
Rule = Callable[[dict[str, Any], dict[str, Any]], list[str]]


@dataclass(frozen=True)
class Section:
    """One `[section]` of sitrep.toml."""

    name: str
    doc: str
    keys: tuple[Key, ...]
    rules: tuple[Rule, ...] = ()
    # A key that must not be there, and why: `password` says where the password goes instead
    refused: dict[str, str] = field(default_factory=dict)
    optional: bool = False  # absent, it is not checked: its required keys are required if set

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


def check_section(section: Section, table: Any) -> tuple[dict[str, Any], list[str]]:
    """The values of `table` by field name (defaults for absent or bad keys), and every problem.

    Unknown keys come first, then each key in the order declared, then the section's rules.
    """
    if not isinstance(table, dict):
        return _defaults(section), [f"[{section.name}]: expected a table of settings"]
    names = [k.name for k in section.keys]
    problems = []
    for name in table:
        if name in section.refused:
            problems.append(f"{section.name}.{name}: {section.refused[name]}")
        elif name not in names:
            problems.append(f"{section.name}.{name}: {unknown('key', name, names)}")
    values: dict[str, Any] = {}
    for key in section.keys:
        where = f"{section.name}.{key.name}"
        if key.name not in table:
            if key.required:
                problems.append(f"{where}: missing; set it to {key.expected}")
            values[key.attribute] = _converted(key, key.default)
            continue
        value = table[key.name]
        found = key.problems(value)
        problems += [f"{where}: {p}" for p in found]
        values[key.attribute] = _converted(key, key.default if found else value)
    for rule in section.rules:
        problems += rule(values, table)
    return values, problems


def check_settings(
    sections: tuple[Section, ...], data: dict[str, Any]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Every section's values (by section name, absent sections with their defaults), and every
    problem of the whole file: unknown sections first, then each section in the order declared.
    """
    names = [s.name for s in sections]
    problems = [
        f"[{name}]: {unknown('section', name, names)}" for name in data if name not in names
    ]
    values = {}
    for section in sections:
        if section.name not in data and section.optional:
            values[section.name] = _defaults(section)
            continue
        values[section.name], found = check_section(section, data.get(section.name, {}))
        problems += found
    return values, problems


def _converted(key: Key, value: Any) -> Any:
    return key.convert(value) if key.convert and value is not None else value


def _defaults(section: Section) -> dict[str, Any]:
    return {k.attribute: _converted(k, k.default) for k in section.keys}


def markdown_table(section: Section) -> str:
    """The section as the README's settings table: each key, its default and its doc."""
    rows = [
        f"**`[{section.name}]`**: {section.doc}.",
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
    return f"`{value}`"  # a date, a float, []
