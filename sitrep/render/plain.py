"""What templates are given: plain data only, never an object with methods that reach the system.

`to_plain` turns a template context into strings, numbers, booleans, None, dates, Decimals,
lists, tuples and dicts. A dataclass (the figures, the settings, a route) becomes a `PlainView`:
an immutable, attribute-only view of its fields and properties, converted in turn. A method a
template may call is named in the class's `__template_methods__` and handed out as a
`PlainFunction`, whose result is converted too. A `Path` becomes its text. Anything else (a
function, a file, a module, a pandas frame) is refused: a bug in sitrep, said at once, rather
than a door left open to a workspace's template. Every string (markup included) loses the
characters XML forbids here (`sitrep.safety.xmlchars`): this is where cell text enters the
report, its HTML edition, its drawings and the archive. See SECURITY.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import numbers
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from markupsafe import Markup

from sitrep.safety.xmlchars import xml_safe

MAX_DEPTH = 64  # a context nested deeper than this is a bug, not a report
_EXACT = frozenset({type(None), bool, int, float, Decimal, dt.date, dt.datetime})


class PlainView:
    """A dataclass's fields and properties, by attribute only; nothing can be set or called."""

    __slots__ = ("_sitrep_fields", "_sitrep_kind")

    def __init__(self, kind: str, fields: dict[str, Any]) -> None:
        object.__setattr__(self, "_sitrep_kind", kind)
        object.__setattr__(self, "_sitrep_fields", fields)

    def __getattr__(self, name: str) -> Any:
        try:
            return object.__getattribute__(self, "_sitrep_fields")[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a template cannot change the report's data")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("a template cannot change the report's data")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PlainView):
            return NotImplemented
        return plain_fields(self) == plain_fields(other) and self._sitrep_kind == other._sitrep_kind

    def __hash__(self) -> int:
        return hash((self._sitrep_kind, tuple(plain_fields(self).items())))

    def __repr__(self) -> str:
        return f"<{self._sitrep_kind}>"

    def __reduce__(self):  # a province worker receives a context: keep it picklable
        return (PlainView, (self._sitrep_kind, plain_fields(self)))


def plain_fields(view: PlainView) -> dict[str, Any]:
    """The names a template may read on `view` (for the sandbox's check)."""
    return object.__getattribute__(view, "_sitrep_fields")


class PlainFunction:
    """A method a template may call: its result is converted to plain data as well."""

    __slots__ = ("_sitrep_call",)

    def __init__(self, call: Callable[..., Any]) -> None:
        object.__setattr__(self, "_sitrep_call", call)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return to_plain(object.__getattribute__(self, "_sitrep_call")(*args, **kwargs))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a template cannot change the report's data")

    def __repr__(self) -> str:
        return "<function>"


def _properties(cls: type) -> list[str]:
    names: list[str] = []
    for klass in reversed(cls.__mro__):
        names += [n for n, v in vars(klass).items() if isinstance(v, property) and n[0] != "_"]
    return list(dict.fromkeys(names))


def _view(value: Any, convert: Callable[[Any], Any]) -> PlainView:
    cls = type(value)
    hidden = set(getattr(cls, "__template_hidden__", ()))
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(value):
        if f.name[0] != "_" and f.name not in hidden:
            fields[f.name] = convert(getattr(value, f.name))
    for name in _properties(cls):
        if name not in hidden:
            fields[name] = convert(getattr(value, name))
    for name in getattr(cls, "__template_methods__", ()):
        fields[name] = PlainFunction(getattr(value, name))
    return PlainView(cls.__name__, fields)


def _scalar(value: Any) -> Any:
    """The plain form of a scalar of another type (numpy, pandas, Enum), or `_NOT` if none."""
    if isinstance(value, Markup):
        return Markup(xml_safe(str.__str__(value)))
    if isinstance(value, enum.Enum):
        return to_plain(value.value)
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return xml_safe(str.__str__(value))
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, Decimal):
        return Decimal(str(value))
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, dt.datetime):
        if value != value:  # pandas' NaT
            return None
        return dt.datetime(*value.timetuple()[:6], value.microsecond, value.tzinfo)
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, dt.time | dt.timedelta):
        return value
    if type(value).__module__ == "numpy" and hasattr(value, "item"):  # numpy.bool_, ...
        return _scalar(value.item()) if not hasattr(value, "shape") or value.shape == () else _NOT
    return _NOT


_NOT = object()


def to_plain(value: Any) -> Any:
    """`value` as plain data (see the module's docstring); TypeError for anything else."""
    # Objects met twice are converted once (the figures' sources); each kept alive while the
    # conversion runs, so that a property's temporary result cannot pass its id to another.
    done: dict[int, tuple[Any, Any]] = {}
    path: set[int] = set()

    def convert(item: Any, depth: int = 0) -> Any:
        if type(item) in _EXACT or isinstance(item, PlainView | PlainFunction):
            return item
        if type(item) is str:  # the common case, before the look-ups below
            return xml_safe(item)
        key = id(item)
        if key in done:
            return done[key][1]
        if key in path or depth > MAX_DEPTH:
            raise TypeError(f"the template context is circular or too deep at {type(item)}")
        if (plain := _scalar(item)) is not _NOT:
            return plain
        path.add(key)
        try:
            if isinstance(item, Mapping):
                out: Any = {convert(k, depth + 1): convert(v, depth + 1) for k, v in item.items()}
            elif isinstance(item, list | tuple):
                out = [convert(v, depth + 1) for v in item]
                out = tuple(out) if isinstance(item, tuple) else out
            elif isinstance(item, set | frozenset):
                out = sorted((convert(v, depth + 1) for v in item), key=repr)
            elif dataclasses.is_dataclass(item) and not isinstance(item, type):
                out = _view(item, lambda v: convert(v, depth + 1))
            else:
                raise TypeError(f"templates are given plain data only, not {type(item)!r}")
        finally:
            path.discard(key)
        done[key] = (item, out)
        return out

    return convert(value)
