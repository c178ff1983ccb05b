"""Message formatting with `{name}` placeholders only.

A catalogue from a theme cannot walk `{value.__class__...}` to module globals and the environment.
See SECURITY.md.
"""

from __future__ import annotations

import string
from collections.abc import Mapping


class UnsafePlaceholder(ValueError):
    """A message placeholder that reaches into a value (`{x.attr}`, `{x[key]}`, `{0}`)."""


def format_message(message: str, values: Mapping[str, object]) -> str:
    """`message.format_map(values)` for plain `{name}` / `{name:spec}` placeholders only.

    str.format resolves `{v.__init__.__globals__[os].environ[SITREP_SMTP_PASSWORD]}` for any
    value with a Python method: a message catalogue from elsewhere could copy the environment
    into the report. Attribute and index access, positional fields and nested fields in the
    spec are refused with UnsafePlaceholder; a missing name raises KeyError as format_map does.
    """
    parts = []
    for literal, field, spec, conversion in string.Formatter().parse(message):
        parts.append(literal)
        if field is None:
            continue
        if not field.isidentifier() or (spec and "{" in spec):
            raise UnsafePlaceholder(f"{{{field}}}: only {{name}} placeholders are allowed")
        value = values[field]
        if conversion == "r":
            value = repr(value)
        elif conversion == "a":
            value = ascii(value)
        elif conversion == "s":
            value = str(value)
        parts.append(format(value, spec or ""))
    return "".join(parts)
