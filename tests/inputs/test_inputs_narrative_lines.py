"""The narrative's lines and size: nothing cut without a word, nothing read past its limit.

Python's `str.splitlines` ends a line at a vertical tab (Word's Shift+Enter), a form feed, NEL,
U+2028 and U+2029 as well as at a newline; the narrative used to be split that way, so the rest
of a highlight after one was dropped and a heading after U+2028 inside a paragraph started a
section. Lines now end at LF, CRLF or CR only, the others are spaces with a located warning.
A narrative over `[limits] max_narrative_kb` is refused by its size before it is read.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from sitrep.cli import main
from sitrep.errors import ValidationFailed
from sitrep.inputs.limits import Limits
from sitrep.inputs.narrative import load_narrative
from sitrep.pdf.pool import IN_PROCESS

DAY = dt.date(2021, 8, 24)
SHOWN = f"inputs/narrative/{DAY}.md"


def narrative_file(workspace: Path, text: str | bytes) -> Path:
    path = workspace / SHOWN
    if isinstance(text, str):
        path.write_bytes(text.encode("utf-8"))  # bytes: write_text would translate newlines
    else:
        path.write_bytes(text)
    return path


def load(workspace: Path, **options):
    return load_narrative(workspace / "inputs" / "narrative", DAY, workspace, **options)


@pytest.mark.parametrize(
    ("separator", "name"),
    [("\u2028", "U+2028"), ("\u2029", "U+2029"), ("\x0b", "U+000B"), ("\x0c", "U+000C"),
     ("\x85", "U+0085")],
)  # fmt: skip
def test_a_separator_inside_a_highlight_is_a_space_with_a_warning(
    workspace: Path, separator: str, name: str
) -> None:
    narrative_file(
        workspace,
        f"# Highlights\n- Roads closed{separator}and the rest of it\n- Second\n\n"
        f"# Situation overview\nCalm.{separator}# Funding\nStill the overview.\n",
    )
    narrative, problems = load(workspace)
    assert narrative.highlights_text == ["Roads closed and the rest of it", "Second"]
    # the heading after the separator is text of the overview, not a section of its own
    assert set(narrative.sections) == {"overview"}
    assert "# Funding" in narrative.sections["overview"]
    assert "Still the overview." in narrative.sections["overview"]
    warnings = [p for p in problems if p.code == "line-separator"]
    assert [(p.file, p.row, p.severity) for p in warnings] == [
        (SHOWN, 2, "warning"),
        (SHOWN, 6, "warning"),
    ]
    assert name in warnings[0].message and "space" in warnings[0].message
    assert f"{SHOWN}, line 2" in str(warnings[0])


def test_lines_end_at_lf_crlf_and_cr_without_a_warning(workspace: Path) -> None:
    narrative_file(workspace, "# Highlights\r\n- One\r- Two\n- Three\r\n\r\n# Funding\rMoney.\r")
    narrative, problems = load(workspace)
    assert narrative.highlights_text == ["One", "Two", "Three"]
    assert narrative.sections == {"funding": "<p>Money.</p>"}
    assert problems == []


def test_a_highlight_wrapped_over_two_lines_is_kept_whole(workspace: Path) -> None:
    narrative_file(workspace, "# Highlights\n- The road is closed\n  since Monday.\n- Two\n")
    narrative, _ = load(workspace)
    assert narrative.highlights_text == ["The road is closed since Monday.", "Two"]


def test_many_lines_with_separators_give_a_bounded_number_of_warnings(workspace: Path) -> None:
    narrative_file(workspace, "# Situation overview\n" + "a\x0bb\n" * 100)
    _, problems = load(workspace)
    warnings = [p for p in problems if p.code == "line-separator"]
    assert len(warnings) == 21 and "80 more lines" in warnings[-1].message


def big_narrative(workspace: Path, kb: int) -> Path:
    highlight = "- A highlight that goes on and on about the road and the valley.\n"
    text = "# Highlights\n" + highlight * (kb * 1024 // len(highlight) + 1)
    return narrative_file(workspace, text)


def test_a_narrative_over_the_limit_is_refused_before_it_is_read(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = big_narrative(workspace, 300)
    size_kb = round(path.stat().st_size / 1024)

    def not_read(self: Path, *args, **kwargs):
        if self.name == path.name:
            raise AssertionError(f"{self} was read")
        return original_open(self, *args, **kwargs)

    original_open = Path.open
    monkeypatch.setattr(Path, "open", not_read)
    monkeypatch.setattr(Path, "read_bytes", lambda self: not_read(self).read())
    with pytest.raises(ValidationFailed) as info:
        load(workspace)
    (problem,) = info.value.problems
    assert problem.code == "limit-exceeded" and problem.severity == "error"
    assert problem.file == SHOWN
    for part in (f"{size_kb:,} KB", "256 KB", "limits.max_narrative_kb", "[limits] max_narr"):
        assert part in problem.message, problem.message


def test_the_read_stops_at_the_limit_when_the_size_says_less(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file whose size the system gives as 0 (as /proc does), or that grows meanwhile."""
    path = big_narrative(workspace, 300)
    real_stat = Path.stat

    def small(self: Path, *args, **kwargs):
        result = real_stat(self, *args, **kwargs)
        if self.name != path.name:
            return result
        return os.stat_result((*tuple(result)[:6], 0, *tuple(result)[7:]))

    monkeypatch.setattr(Path, "stat", small)
    with pytest.raises(ValidationFailed) as info:
        load(workspace)
    assert "more than 256 KB" in info.value.problems[0].message


def test_the_limit_is_a_setting(workspace: Path) -> None:
    big_narrative(workspace, 300)
    narrative, _ = load(workspace, limits=Limits(max_narrative_kb=400))
    assert len(narrative.highlights) > 4000
    with pytest.raises(ValidationFailed):
        load(workspace, limits=Limits(max_narrative_kb=100))


def run(workspace: Path, *args: str) -> SimpleNamespace:
    """`sitrep -w WORKSPACE ARGS` in this process (click's runner, through the same group that
    maps an exception to its message and exit code): these tests are about the refusal and its
    message, not the process, and a `sitrep` process costs a second of imports."""
    # no PDF helper process (SITREP_PDF_IN_PROCESS): the build stops on its inputs, before any
    # layout, and the test starts no process
    result = CliRunner(env={IN_PROCESS: "1"}).invoke(main, ["-w", str(workspace), *args])
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout, stderr=result.stderr)


def test_build_and_validate_refuse_a_huge_sparse_narrative_at_once(workspace: Path) -> None:
    """5 GB that no one could read in time: refused by its size, nothing written."""
    with (workspace / SHOWN).open("r+b") as handle:
        handle.truncate(5 * 1024**3)
    for command in ("validate", "build"):
        result = run(workspace, command, "--date", str(DAY))
        out = result.stdout + result.stderr
        assert result.returncode == 1, out
        assert SHOWN in out and "5,120 MB" not in out and "5,242,880 KB" in out, out
        assert "[limits] max_narrative_kb" in out and "Traceback" not in out
    assert not (workspace / "output" / str(DAY)).exists()


@pytest.mark.slow  # reads and parses a 300 KB narrative (a second): not in make test-fast
def test_the_setting_raises_the_limit_for_a_build(workspace: Path) -> None:
    big_narrative(workspace, 300)
    settings = workspace / "sitrep.toml"
    result = run(workspace, "validate", "--date", str(DAY))
    assert result.returncode == 1 and "max_narrative_kb" in result.stdout + result.stderr
    settings.write_text(settings.read_text() + "\n[limits]\nmax_narrative_kb = 512\n")
    result = run(workspace, "validate", "--date", str(DAY))
    assert "max_narrative_kb" not in result.stdout + result.stderr
