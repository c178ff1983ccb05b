"""What a report says, as a record: decides whether an issued report has changed, and says how.

An issued report is compared with what it would be made of now (`report_content`), never with
the files it was read from: the rows each table contributes up to the report's date (a row
dated after it, or a date in a row that is after it, is not in the report), the narrative of
its date in each of its languages, the workspace's templates and the catalogues of its
languages, the COD file and the settings that change what it prints. Rows added after its
date, the partners, `--input` paths, `[email]`, `[publish]`, `[limits]`, the warning
thresholds and sitrep's own version and templates (an upgrade does not revise what an office
issued) are not in it.

`ReportContent` is recorded with each report (`Issued.content`, JSON): the hash of each part,
each table's rows as (spreadsheet row, date, hash) and the report's headline figures, so that
`what_changed` can name the table, the rows and the figures that would differ (old -> new).
Its `fingerprint` is the hash of the parts alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitrep.issue.fingerprint import DISTRIBUTION_TABLES, NOT_PRINTED, NOT_PRINTED_KEYS, add_file
from sitrep.settings.config import CONFIG_NAME, DEFAULT_TEMPLATES, Config
from sitrep.settings.languages import language_of, narrative_dir

if TYPE_CHECKING:
    from sitrep.figures.compute import Figures
    from sitrep.figures.keyfigure import Number
    from sitrep.pipeline import Prepared

# Settings that never change what the report prints: who gets it and how, where it is
# published, how big an input may be, when a warning is given, and who clears it; and where
# the tables are read from (their rows are the report's).
NOT_THE_REPORT_SETTINGS = NOT_PRINTED | {"inputs"}

FIGURE_NAMES = {  # the figures' names in sitrep's messages (the report's own: its catalogue)
    "displaced_period": "people newly displaced in the period",
    "displaced_since_previous": "people newly displaced since the previous report",
    "displaced_today": "people newly displaced on the day",
    "people_blockaded": "people cut off by blockades",
    "blockades_count": "blockades in effect",
    "routes_closed": "key routes closed",
    "idps_present": "IDPs present",
}


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False).encode()


@dataclass(frozen=True)
class ReportContent:
    """What one report is made of: the hash of each part, each table's rows, its figures."""

    parts: dict[str, str]  # "table:displacement", "narrative:en", "templates", ... -> hash
    rows: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)  # (row, date, hash)
    figures: dict[str, Number | None] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        return _hash(_json(self.parts))

    def to_json(self) -> str:
        return json.dumps(
            {"parts": self.parts, "rows": self.rows, "figures": self.figures},
            sort_keys=True,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, text: str) -> ReportContent | None:
        """The content recorded with a report; None for a report issued by an older sitrep."""
        if not text:
            return None
        data = json.loads(text)
        rows = {t: [tuple(r) for r in rs] for t, rs in data.get("rows", {}).items()}
        return cls(data["parts"], rows, data.get("figures", {}))


def _masked(value: Any, day: dt.date) -> Any:
    """A date after the report date is not known on it: as if the cell were empty."""
    return None if isinstance(value, dt.date) and value > day else value


def table_rows(name: str, frame: Any, day: dt.date) -> list[tuple[int, str, str]]:
    """The rows of a validated table the report of `day` counts: (spreadsheet row, date, hash).

    A dated table's rows dated on or before `day` (its baselines included), an undated table's
    every row; a row's hash leaves out its row number (a row moved is the same row).
    """
    from sitrep.tableschema import DATE_COLUMNS, ROW, SCHEMAS  # pandas: a build that loads

    schema = SCHEMAS.get(name)
    date_column = schema.date_column if schema else None
    dates = DATE_COLUMNS.get(name, ())
    columns = [c for c in frame.columns if c != ROW]
    rows = []
    for values in zip(*(frame[c].tolist() for c in [*columns, ROW]), strict=True):
        record = dict(zip(columns, values[:-1], strict=True))
        when = record.get(date_column) if date_column else None
        if isinstance(when, dt.date) and when > day:
            continue
        cells = {c: (_masked(v, day) if c in dates else v) for c, v in record.items()}
        date = when.isoformat() if isinstance(when, dt.date) else ""
        rows.append((int(values[-1]), date, _hash(_json(cells))[:16]))
    return rows


def _files_hash(files: list[Path], root: Path, config: Config) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(f"{path.relative_to(root) if path.is_relative_to(root) else path}\n".encode())
        add_file(digest, path, config)
    return digest.hexdigest()


def _settings_hash(config: Config) -> str:
    """The settings that change what is printed: parsed, so a comment changes nothing."""
    data = tomllib.loads((config.workspace / CONFIG_NAME).read_text("utf-8"))
    for section in NOT_THE_REPORT_SETTINGS:
        data.pop(section, None)
    for section, keys in NOT_PRINTED_KEYS.items():
        if isinstance(data.get(section), dict):
            data[section] = {k: v for k, v in data[section].items() if k not in keys}
    return _hash(_json(data))


def _templates(config: Config, dirs: list[Path], languages: set[str]) -> list[Path]:
    """The workspace's templates (sitrep's own come with its version), with the catalogues of
    the report's languages only."""
    files = []
    for folder in dirs:
        if folder.resolve() == DEFAULT_TEMPLATES.resolve():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            catalogue = path.parent.name == "i18n" and path.suffix == ".toml"
            if catalogue and language_of(path.stem) not in languages:
                continue
            files.append(path)
    return files


def figures_of(figures: Figures) -> dict[str, Number | None]:
    """The report's headline figures, by name: each key figure and its baseline, the day's."""
    found: dict[str, Number | None] = {}
    for key in figures.key_figures:
        found[key.key] = key.value
        if key.previous is not None:
            found[f"{key.key}.previous"] = key.previous
    found["displaced_today"] = figures.displaced_today
    if figures.displaced_since_previous is not None:
        found["displaced_since_previous"] = figures.displaced_since_previous
    return found


def report_content(prepared: Prepared, dirs: list[Path]) -> ReportContent:
    """What the report of `prepared.day` is made of now."""
    config, day = prepared.config, prepared.day
    parts: dict[str, str] = {"settings": _settings_hash(config)}
    rows = {}
    for name, table in sorted(prepared.tables.items()):
        if name in DISTRIBUTION_TABLES:
            continue
        rows[name] = table_rows(name, table.frame, day)
        parts[f"table:{name}"] = _hash(_json(sorted(h for _, _, h in rows[name])))
    root = config.workspace
    for locale, edition in prepared.editions.items():
        text = narrative_dir(edition, day) / f"{day.isoformat()}.md"
        parts[f"narrative:{language_of(locale)}"] = _files_hash([text], root, config)
    languages = {language_of(locale) for locale in prepared.editions}
    parts["templates"] = _files_hash(_templates(config, dirs, languages), root, config)
    other = [p.path for p in [config.geography_pcodes] if p is not None]
    other += [config.boundaries] if config.boundaries else []
    if (words := config.workspace / "inputs" / "words.toml").is_file():
        other.append(words)
    parts["geography"] = _files_hash(other, root, config)
    figures = prepared.figures.get(config.locale)
    return ReportContent(parts, rows, figures_of(figures) if figures else {})


def _rows_said(rows: list[int]) -> str:
    listed = ", ".join(str(r) for r in sorted(rows)[:10])
    more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
    return f"row{'s' if len(rows) > 1 else ''} {listed}{more}"


def _table_changes(table: str, old: list, new: list) -> str:
    gone = Counter(h for _, _, h in old) - Counter(h for _, _, h in new)
    came = Counter(h for _, _, h in new) - Counter(h for _, _, h in old)
    removed = [r for r, _, h in old if gone[h]]
    added = [r for r, _, h in new if came[h]]
    changed = sorted(set(removed) & set(added))
    said = []
    if changed:
        said.append(f"{_rows_said(changed)} changed")
    if only_added := [r for r in added if r not in changed]:
        said.append(f"{_rows_said(only_added)} added")
    if only_removed := [r for r in removed if r not in changed]:
        said.append(f"{_rows_said(only_removed)} removed (row numbers as issued)")
    return f"the {table} table: {'; '.join(said) or 'its rows changed'} (spreadsheet rows)"


def figure_changes(old: dict[str, Number | None], new: dict[str, Number | None]) -> list[tuple]:
    """(name, old, new) of each headline figure that differs; baselines ('x.previous') apart."""
    return [
        (name, old.get(name), new.get(name))
        for name in [*old, *(n for n in new if n not in old)]
        if not name.endswith(".previous") and old.get(name) != new.get(name)
    ]


def _number(value: Number | None) -> str:
    return "--" if value is None else f"{value:,}"


def what_changed(old: ReportContent, new: ReportContent) -> list[str]:
    """A line for each part of the report that differs: the table and its rows, the
    narrative, the templates, the settings; then the figures that would differ."""
    lines = []
    for part in sorted(set(old.parts) | set(new.parts)):
        if old.parts.get(part) == new.parts.get(part):
            continue
        kind, _, name = part.partition(":")
        if kind == "table":
            lines.append(_table_changes(name, old.rows.get(name, []), new.rows.get(name, [])))
        elif kind == "narrative":
            lines.append(f"the narrative ({name})")
        elif kind == "settings":
            lines.append(f"the settings that change what the report prints ({CONFIG_NAME})")
        elif kind == "geography":
            lines.append("the geography (the COD file, boundaries or the input words)")
        else:
            lines.append(f"the workspace's {part} (templates/ or the catalogues)")
    for name, before, after in figure_changes(old.figures, new.figures):
        label = FIGURE_NAMES.get(name, name)
        lines.append(f"{label}: {_number(before)} -> {_number(after)}")
    return lines
