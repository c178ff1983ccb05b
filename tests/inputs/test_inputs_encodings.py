"""Text files as spreadsheet programs and editors write them, and inputs that used to crash.

Excel's "Unicode Text" (UTF-16 with a BOM, tab-separated), "CSV UTF-8" (with a BOM), plain
"CSV" in Windows-1252, a narrative saved in Windows-1252: each is read, the guessed one with a
warning that names the encoding. A narrative nested 100 levels deep and three rows of 1e308
people end in exit 1 with a located message, never "Internal error" (exit 2).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from click.testing import CliRunner

from sitrep.cli import main
from sitrep.errors import ValidationFailed
from sitrep.inputs.load import load_table
from sitrep.inputs.narrative import load_narrative
from sitrep.pdf.pool import IN_PROCESS
from sitrep.settings.config import InputSource

ROWS = [
    ["date", "district", "people", "source"],
    ["2024-03-01", "Banu", "1200", "Côte d’Ivoire office"],
    ["2024-03-02", "Banu", "80", "دفتر ساحوی"],
]


def write(path: Path, text: str, encoding: str, bom: bytes = b"") -> Path:
    path.write_bytes(bom + text.encode(encoding))
    return path


def table(path: Path):
    raw, problems = load_table("displacement", InputSource(path, None), path.parent)
    assert raw is not None, problems
    return raw, problems


def expected(rows: list[list[str]]) -> pd.DataFrame:
    """The body as an independent reader sees it: plain pandas, no sitrep."""
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter"),
    [("utf-16-le", b"\xff\xfe", "\t"), ("utf-16-be", b"\xfe\xff", "\t"),
     ("utf-16-le", b"", "\t"), ("utf-8", b"\xef\xbb\xbf", ","), ("utf-8", b"", ";")],
)  # fmt: skip
def test_unicode_text_files_are_read(tmp_path: Path, encoding, bom, delimiter) -> None:
    text = "\r\n".join(delimiter.join(r) for r in ROWS) + "\r\n"
    raw, problems = table(write(tmp_path / "d.csv", text, encoding, bom))
    assert not problems
    assert list(raw.headers.values())[:4] == ROWS[0]  # no BOM glued to the first header
    want = expected(ROWS)
    for column in ROWS[0]:
        assert list(raw.frame[column]) == list(want[column])


def test_a_windows_1252_csv_is_read_with_a_warning_naming_it(tmp_path: Path) -> None:
    rows = ROWS[:2]  # the Dari row has no Windows-1252 form
    raw, problems = table(write(tmp_path / "d.csv", "\n".join(",".join(r) for r in rows), "cp1252"))
    assert list(raw.frame["source"]) == ["Côte d’Ivoire office"]
    assert [p.severity for p in problems] == ["warning"]
    assert "Windows-1252" in problems[0].message and "UTF-8" in problems[0].message
    assert problems[0].file == "d.csv"


def narrative_dir(workspace: Path) -> Path:
    return workspace / "inputs" / "narrative"


DAY = dt.date(2021, 8, 24)


def test_a_windows_1252_narrative_is_read_with_a_warning(workspace: Path) -> None:
    text = "# Highlights\n\n- Réfugiés: 1 200 arrivés\n- L’accès reste coupé\n"
    write(narrative_dir(workspace) / f"{DAY}.md", text, "cp1252")
    narrative, problems = load_narrative(narrative_dir(workspace), DAY, workspace)
    assert narrative.highlights_text == ["Réfugiés: 1 200 arrivés", "L’accès reste coupé"]
    warning = next(p for p in problems if "Windows-1252" in p.message)
    assert warning.file == f"inputs/narrative/{DAY}.md"


def test_a_utf16_narrative_is_read(workspace: Path) -> None:
    text = "# Highlights\n\n- Первый\n- دوم\n"
    write(narrative_dir(workspace) / f"{DAY}.md", text, "utf-16-le", b"\xff\xfe")
    narrative, problems = load_narrative(narrative_dir(workspace), DAY, workspace)
    assert narrative.highlights_text == ["Первый", "دوم"]
    assert not [p for p in problems if p.severity != "warning" or "encod" in p.message]


@pytest.mark.parametrize(
    ("deep", "line"),
    [("".join("    " * i + "- level\n" for i in range(100)), 18), ("> " * 300 + "quote\n", 6),
     ("- " * 200 + "item\n", 6)],
)  # fmt: skip
def test_a_narrative_nested_too_deep_is_a_located_error(workspace: Path, deep: str, line) -> None:
    (narrative_dir(workspace) / f"{DAY}.md").write_text("# Highlights\n\n- a\n- b\n\n" + deep)
    with pytest.raises(ValidationFailed) as info:
        load_narrative(narrative_dir(workspace), DAY, workspace)
    problem = info.value.problems[0]
    assert problem.severity == "error" and problem.file == f"inputs/narrative/{DAY}.md"
    assert f"line {line} " in problem.message and "nested" in problem.message


def test_a_narrative_nested_a_little_is_fine(workspace: Path) -> None:
    nested = "".join("    " * i + f"- level {i}\n" for i in range(6))
    (narrative_dir(workspace) / f"{DAY}.md").write_text("# Overview\n\n" + nested)
    narrative, _ = load_narrative(narrative_dir(workspace), DAY, workspace)
    assert narrative.sections["overview"].count("<ul>") == 6


def run(workspace: Path, *args: str) -> SimpleNamespace:
    """`sitrep -w WORKSPACE ARGS` in this process (click's runner, through the same group that
    maps an exception to its message and exit code): these tests are about the message and the
    exit code, not the process, and a `sitrep` process costs a second of imports."""
    # no PDF helper process (SITREP_PDF_IN_PROCESS): the build stops on its inputs, before any
    # layout, and the test starts no process
    result = CliRunner(env={IN_PROCESS: "1"}).invoke(main, ["-w", str(workspace), *args])
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)


def test_the_command_line_says_where_the_narrative_is_too_deep(workspace: Path) -> None:
    deep = "".join("    " * i + "- level\n" for i in range(100))
    text = "# Highlights\n\n- a\n- b\n\n# Situation overview\n\n" + deep
    (narrative_dir(workspace) / f"{DAY}.md").write_text(text)
    result = run(workspace, "build", "--date", str(DAY), "--draft")
    out = result.stdout + result.stderr
    assert result.returncode == 1, out
    assert f"inputs/narrative/{DAY}.md" in out and "nested" in out
    assert "Traceback" not in out and "Internal error" not in out


@pytest.mark.parametrize("value", ["1e308", "1.7976931348623157e308", "99999999999", "1e400"])
def test_implausible_counts_are_located_errors(workspace: Path, value: str) -> None:
    csv = workspace / "inputs" / "d.csv"
    csv.write_text(
        "date,district,people,source\n"
        + "".join(f"2021-08-2{i},Banu,{value},Partner\n" for i in range(2, 5))
    )
    for command in ("validate", "build"):
        result = run(workspace, command, "--date", "2021-08-24", "--input", f"displacement={csv}")
        out = result.stdout + result.stderr
        assert result.returncode == 1, out
        for row in (2, 3, 4):
            assert f'inputs/d.csv, row {row}, column "people"' in out, out
        assert "Traceback" not in out and "Internal error" not in out


def test_a_nul_in_the_narrative_is_a_located_error(workspace: Path) -> None:
    (narrative_dir(workspace) / f"{DAY}.md").write_text("# Highlights\n\n- a\n- \x00=b\n")
    with pytest.raises(ValidationFailed) as info:
        load_narrative(narrative_dir(workspace), DAY, workspace)
    problem = info.value.problems[0]
    assert problem.file == f"inputs/narrative/{DAY}.md" and "line 4" in problem.message
