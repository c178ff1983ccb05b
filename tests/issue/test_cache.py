"""The rebuild cache: the fingerprint names everything a report is made from, and only an
unchanged, intact issued report is reused. (Speed is measured by `make bench`, not here.)

Who receives the report is not what it is made from: tests/issue/test_issue_distribution.py."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitrep.errors import ReportExistsError
from sitrep.issue import fingerprint as fingerprints
from sitrep.issue.fingerprint import fingerprint
from sitrep.report import BuildOptions, BuildResult, build_report
from sitrep.settings.config import DEFAULT_TEMPLATES, InputSource, load_config, template_dirs


def _fp(workspace: Path, inputs: dict | None = None) -> str:
    config = load_config(workspace)
    return fingerprint(config, inputs or {}, template_dirs(config.templates_dir))


def _files_fp(workspace: Path) -> str:
    config = load_config(workspace)
    return fingerprints.files_fingerprint(config, {}, template_dirs(config.templates_dir))


def _append(path: Path, data: bytes) -> None:
    """Append to a file; a template the workspace lacks becomes its override of sitrep's."""
    if not path.exists() and path.parent.name in ("templates", "fonts", "partials"):
        parts = path.parts[path.parts.index("templates") + 1 :]
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(DEFAULT_TEMPLATES.joinpath(*parts), path)
    path.write_bytes(path.read_bytes() + data)


def test_the_fingerprint_is_stable_and_independent_of_the_folder(workspace: Path, tmp_path):
    other = tmp_path / "elsewhere"
    shutil.copytree(workspace, other)
    assert _fp(workspace) == _fp(workspace) == _fp(other)


def _set_cell(path: Path, sheet: str, cell: str, value) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path)
    book[sheet][cell] = value
    book.save(path)


def _edit_setting(path: Path) -> None:
    text = path.read_text("utf-8")
    assert 'page_size = "A4"' in text  # a setting that prints (stale_days does not)
    path.write_text(text.replace('page_size = "A4"', 'page_size = "Letter"'), "utf-8")


@pytest.mark.parametrize(
    "change",
    [
        lambda ws: _set_cell(ws / "inputs/sample-data.xlsx", "displacement", "A1", "when"),
        lambda ws: _set_cell(ws / "inputs/sample-data.xlsx", "contacts", "A1", "who"),
        lambda ws: _edit_setting(ws / "sitrep.toml"),
        lambda ws: _append(ws / "inputs/narrative/2021-08-24.md", b"\n"),
        lambda ws: _append(ws / "templates/i18n/en.toml", b"\n# reworded\n"),
        lambda ws: _append(ws / "templates/style.css", b"\n"),
        lambda ws: _append(ws / "templates/report.html", b"\n"),
        lambda ws: _append(ws / "templates/fonts/OFL.txt", b"\n"),
    ],
    ids=[
        "table cell",
        "contacts cell",
        "setting",
        "narrative",
        "catalogue",
        "style",
        "template",
        "font",
    ],
)
def test_any_input_setting_narrative_or_template_changes_the_fingerprint(workspace, change):
    before, files_before = _fp(workspace), _files_fp(workspace)
    change(workspace)
    assert _fp(workspace) != before
    assert _files_fp(workspace) != files_before


def test_a_comment_in_the_settings_changes_only_the_files_bytes(workspace: Path):
    before, files_before = _fp(workspace), _files_fp(workspace)
    _append(workspace / "sitrep.toml", b"\n# a comment\n")
    assert _fp(workspace) == before
    assert _files_fp(workspace) != files_before


def test_a_new_template_file_changes_the_fingerprint(workspace: Path):
    before = _fp(workspace)
    (workspace / "templates" / "partials").mkdir(exist_ok=True)
    (workspace / "templates" / "partials" / "extra.html").write_text("<p>x</p>")
    assert _fp(workspace) != before


def test_sitreps_version_changes_the_fingerprint(workspace: Path, monkeypatch):
    before = _fp(workspace)
    monkeypatch.setattr(fingerprints, "__version__", "99.0.0")
    assert _fp(workspace) != before


def test_an_input_override_changes_the_fingerprint(workspace: Path, tmp_path: Path):
    copy = tmp_path / "other.xlsx"
    shutil.copy2(workspace / "inputs" / "sample-data.xlsx", copy)
    override = {"displacement": InputSource(copy, "displacement")}
    assert _fp(workspace, override) != _fp(workspace)


@pytest.fixture(scope="module")
def issued(tmp_path_factory) -> tuple[Path, BuildResult]:
    """The sample built once, for the tests that only ask whether it would be reused: the quick
    workspace, which these tests and the builds they make again do not tell from the sample."""
    from tests.conftest import copy_workspace, quicken

    workspace = quicken(copy_workspace(tmp_path_factory.mktemp("cache") / "ws"))
    return workspace, build_report(BuildOptions(workspace))


@pytest.mark.slow
def test_unchanged_inputs_reuse_the_issued_report(issued):
    workspace, first = issued
    again = build_report(BuildOptions(workspace))
    assert again.reused and again.pdf == first.pdf and again.number == first.number
    on_its_date = build_report(BuildOptions(workspace, date=first.date))
    assert on_its_date.reused and on_its_date.pdf == first.pdf


@pytest.mark.parametrize("flag", ["draft", "revise"])  # --force: tests/report/test_build.py
@pytest.mark.slow
def test_draft_and_revise_never_reuse(issued, flag, tmp_path: Path):
    workspace = tmp_path / "ws"
    shutil.copytree(issued[0], workspace)
    assert not build_report(BuildOptions(workspace, **{flag: True})).reused


@pytest.mark.slow
def test_a_damaged_issued_pdf_is_not_reused(issued, tmp_path: Path):
    workspace = tmp_path / "ws"
    shutil.copytree(issued[0], workspace)
    pdf = workspace / "output" / issued[1].pdf.relative_to(issued[0] / "output")
    _append(pdf, b"%")
    damaged = pdf.read_bytes()
    with pytest.raises(ReportExistsError, match="--revise"):  # not reused, nor overwritten
        build_report(BuildOptions(workspace))
    assert pdf.read_bytes() == damaged
    pdf.unlink()
    again = build_report(BuildOptions(workspace))  # missing: made again, as it was issued
    assert not again.reused and again.pdf == pdf
    assert pdf.read_bytes() == issued[1].pdf.read_bytes()


@pytest.mark.slow
def test_a_changed_input_is_rebuilt_as_a_revision(issued, tmp_path: Path):
    workspace = tmp_path / "ws"
    shutil.copytree(issued[0], workspace)
    narrative = workspace / "inputs" / "narrative" / f"{issued[1].date}.md"
    narrative.write_text(narrative.read_text("utf-8") + "\nOne more sentence.\n", "utf-8")
    # without --revise it is refused: tests/report/test_build.py
    revised = build_report(BuildOptions(workspace, revise=True))
    assert not revised.reused and revised.revision == 1
    assert "One more sentence." in revised.html.read_text("utf-8")
    assert build_report(BuildOptions(workspace)).reused  # and that revision is reused in turn


def test_compiled_templates_of_another_sitrep_are_not_loaded(tmp_path, monkeypatch):
    """Jinja compiles a call to a `pass_context` filter differently: code compiled while the
    filter was plain must not be loaded once it takes the context (a sitrep upgrade)."""
    import jinja2

    from sitrep.render.html import bytecode_cache, compile_salt

    monkeypatch.setenv("SITREP_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "page.html").write_text("{{ x|twice }}")

    def environment(twice):
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path / "t")))
        env.filters["twice"] = twice
        env.bytecode_cache = bytecode_cache(compile_salt(env))
        return env

    assert environment(lambda v: v * 2).get_template("page.html").render(x=3) == "6"
    later = environment(jinja2.pass_context(lambda ctx, v: v * 2))
    assert later.get_template("page.html").render(x=3) == "6"
    assert list((tmp_path / "cache" / "jinja2").iterdir())  # the cache is in use
