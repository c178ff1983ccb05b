"""`sitrep catalogue ACTION LANGUAGE`: a language added by a translator, without Python.

- `new sw` writes the workspace's `templates/i18n/sw.toml`: every entry of sitrep's English
  catalogue, empty (`""`, not translated yet: English is used), its English text in a comment
  above it, and plural entries with the language's CLDR categories (`{ one = "", other = "" }`).
- `check sw` lists what the language's catalogues (sitrep's and the workspace's) lack against
  the English one, the entries English does not have, {names} that are not the English
  ones and plural categories the language needs but lacks; exit 1 unless all is well.
- `po sw` writes `templates/i18n/sw.po` for translators' tools (Poedit, Weblate, Lokalize):
  one message per entry (per plural category), its key as `msgctxt`, the English as `msgid`,
  the translation so far as `msgstr`. `import sw` reads it back into `sw.toml` (Babel's
  `babel.messages.pofile` both ways); an entry the .po leaves empty keeps the TOML's text.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from sitrep import __version__
from sitrep.errors import WorkspaceError
from sitrep.files import atomic_write
from sitrep.render.catalogue import (
    Entry,
    english_entries,
    language_entries,
    language_name,
    read_catalogue,
    translated,
)
from sitrep.settings.config import DEFAULT_TEMPLATES, template_dirs
from sitrep.settings.languages import language_of

PLACEHOLDER = re.compile(r"\{(\w+)\}")
MAX_PO_BYTES = 10 * 2**20  # sitrep's whole catalogue as a .po is about 100 KB
Echo = Callable[..., None]  # echo(text, err=False, fg=None): sitrep.cli.say


def categories(language: str) -> list[str]:
    """The CLDR plural categories `language` uses, in CLDR's order ('other' always)."""
    tags = Locale.parse(language).plural_form.tags
    return [c for c in ("zero", "one", "two", "few", "many") if c in tags] + ["other"]


def _language(code: str) -> str:
    """`code` as a catalogue's name ('pt_MZ'), or a WorkspaceError when CLDR does not know it
    (its dates, numbers and plural rules come from CLDR)."""
    name = code.strip().replace("-", "_")
    try:
        Locale.parse(name)
    except (UnknownLocaleError, ValueError):
        raise WorkspaceError(f"{code!r} is not a language CLDR knows (e.g. sw, pt, uk)") from None
    if language_of(name) == "en":
        raise WorkspaceError(
            "en is sitrep's own language: reword entries in templates/i18n/en.toml"
        )
    return name


def _english_form(entry: Entry, category: str) -> str:
    if isinstance(entry, str):
        return entry
    return entry.get(category) or entry["other"]


def _toml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON's escapes are TOML's


def catalogue_toml(language: str, values: dict[str, Entry]) -> str:
    """A catalogue of every English entry, `values` filled in and the rest empty, each with
    its English above it."""
    forms = categories(language)
    rules = Locale.parse(language).plural_form.rules
    lines = [
        f"# sitrep's words in {language_name(language)} ({language}): every entry of sitrep's",
        "# English catalogue. Translate each one in its quotes; its English is in the comment",
        '# above it. Keep the {names} in braces as they are. An entry left "" is written in',
        f"# English. When done: sitrep catalogue check {language}",
        "# Plural forms (CLDR): "
        + "; ".join(f"{c}: {rules[c]}" if c in rules else f"{c}: any other" for c in forms),
    ]
    section = None
    for key, english in english_entries().items():
        head, _, name = key.rpartition(".")
        if head != section:
            section = head
            lines += ["", f"[{head}]"]
        for form in english.values() if isinstance(english, dict) else [english]:
            lines += [f"# {line}" if line else "#" for line in form.strip("\n").split("\n")]
        value = values.get(key)
        if isinstance(english, dict):
            given = value if isinstance(value, dict) else {}
            parts = ", ".join(f"{c} = {_toml(given.get(c, ''))}" for c in forms)
            lines.append(f"{name} = {{ {parts} }}")
        else:
            lines.append(f"{name} = {_toml(value if isinstance(value, str) else '')}")
    return "\n".join(lines) + "\n"


def _path(workspace: Path, language: str, suffix: str) -> Path:
    return workspace / "templates" / "i18n" / f"{language}{suffix}"


def new(workspace: Path, language: str, echo: Echo) -> int:
    path = _path(workspace, language, ".toml")
    if (DEFAULT_TEMPLATES / "i18n" / f"{language_of(language)}.toml").is_file():
        raise WorkspaceError(
            f"sitrep has a catalogue in {language} already: see what it lacks with `sitrep "
            f"catalogue check {language}`, or reword entries in {path}"
        )
    if path.exists():
        raise WorkspaceError(
            f"{path} exists: see what it lacks with `sitrep catalogue check {language}`"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, catalogue_toml(language, {}).encode("utf-8"))
    echo(str(path))
    echo(f"{len(english_entries())} entries to translate; then: sitrep catalogue check {language}")
    return 0


def problems_of(language: str, entries: dict[str, Entry]) -> tuple[list[str], list[str]]:
    """(extra keys, entries to fix: other {names} than the English, plural forms lacking)."""
    english = english_entries()
    extra = [key for key in entries if key not in english]
    fix = []
    for key, entry in entries.items():
        if key not in english:
            continue
        expected = set(PLACEHOLDER.findall(json.dumps(english[key])))
        found = set(PLACEHOLDER.findall(json.dumps(entry)))
        if found != expected:
            names = ", ".join(f"{{{n}}}" for n in sorted(expected)) or "none"
            fix.append(f"{key}: its {{names}} should be the English ones: {names}")
        if isinstance(english[key], dict):
            given = entry if isinstance(entry, dict) else {}
            if lacking := [c for c in categories(language) if not given.get(c)]:
                fix.append(f"{key}: no plural form {', '.join(lacking)}")
    return extra, fix


def check(workspace: Path, language: str, echo: Echo) -> int:
    dirs = template_dirs(workspace / "templates")
    have = language_entries(dirs, language)
    missing = [key for key in english_entries() if key not in have]
    extra, fix = problems_of(language, have)
    name = f"{language_name(language)} ({language})"
    total = len(english_entries())
    echo(f"{name}: {total - len(missing)} of {total} entries translated, {len(missing)} missing, "
         f"{len(extra)} extra, {len(fix)} to fix")  # fmt: skip
    for title, keys in (
        ("missing (in English until translated):", missing),
        ("extra (no such entry in English: rename or remove it):", extra),
        ("to fix:", fix),
    ):
        if keys:
            echo(title)
            for key in keys:
                english = english_entries().get(key)
                shown = f" = {_toml(_english_form(english, 'other'))}" if english else ""
                echo(f"  {key}{shown}")
    return 0 if not (missing or extra or fix) else 1


def po(workspace: Path, language: str, echo: Echo) -> int:
    """The language's entries so far (sitrep's and the workspace's) as a .po file."""
    have = language_entries(template_dirs(workspace / "templates"), language)
    catalog = Catalog(locale=language, project="sitrep", version=__version__)
    rules = Locale.parse(language).plural_form.rules
    for key, english in english_entries().items():
        value = have.get(key)
        if isinstance(english, str):
            text = value if isinstance(value, str) else ""
            catalog.add(english, text, context=key, flags=["python-brace-format"])
            continue
        given = value if isinstance(value, dict) else {}
        for form in categories(language):
            rule = rules.get(form, "any other number")
            note = f"plural form {form!r} (CLDR: {rule}); the English is its {form} form"
            if form not in english:
                note = f"plural form {form!r} (CLDR: {rule}); the English is its other form"
            catalog.add(
                _english_form(english, form),
                given.get(form, ""),
                context=f"{key}.{form}",
                auto_comments=[note],
                flags=["python-brace-format"],
            )
    data = io.BytesIO()
    write_po(data, catalog, width=0, omit_header=False)
    path = _path(workspace, language, ".po")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data.getvalue())
    echo(str(path))
    return 0


def import_po(workspace: Path, language: str, echo: Echo) -> int:
    """The .po's translations into the workspace's TOML catalogue (an entry the .po leaves
    empty, or marks as needing work, keeps the TOML's text)."""
    source, path = _path(workspace, language, ".po"), _path(workspace, language, ".toml")
    if not source.is_file():
        raise WorkspaceError(f"{source} does not exist: write it with `sitrep catalogue po`")
    if source.stat().st_size > MAX_PO_BYTES:  # measured before it is parsed
        raise WorkspaceError(f"{source} is over {MAX_PO_BYTES // 2**20} MB: not a catalogue")
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    values: dict[str, Entry] = read_catalogue(path) if path.is_file() else {}
    english, unknown, fuzzy = english_entries(), 0, 0
    for message in catalog:
        if not message.id or not message.string:
            continue
        if message.fuzzy:
            fuzzy += 1
            continue
        key, form = str(message.context or ""), None
        if key not in english and key.rpartition(".")[0] in english:
            key, form = key.rpartition(".")[0], key.rpartition(".")[2]
        if key not in english or (form is None) != isinstance(english[key], str):
            unknown += 1
            continue
        if form is None:
            values[key] = str(message.string)
        else:
            forms = values.get(key)
            values[key] = {**(forms if isinstance(forms, dict) else {}), form: str(message.string)}
    atomic_write(path, catalogue_toml(language, values).encode("utf-8"))
    echo(str(path))
    done = sum(1 for key in english if translated(values.get(key)))
    echo(f"{done} of {len(english)} entries translated")
    if unknown:
        echo(f"{unknown} messages of the .po are no entry of sitrep's: left out", err=True)
    if fuzzy:
        echo(f"{fuzzy} messages marked as needing work (fuzzy): left out", err=True)
    return 0


ACTIONS = {"new": new, "check": check, "po": po, "import": import_po}


def run_catalogue(workspace: Path, action: str, language: str, echo: Echo) -> int:
    """`sitrep catalogue ACTION LANGUAGE`: its exit code."""
    return ACTIONS[action](workspace.resolve(), _language(language), echo)
