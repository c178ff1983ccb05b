"""A workspace's templates are read only inside the workspace: links out are refused by name.

Issue 12, item 7 (templates): a template, a partial, an asset or the templates folder itself
that is a symbolic link out of the workspace stops the build with a message naming the link;
a link inside the workspace, or into sitrep's own templates, is followed. The loader checks
each file's real path again as it reads it (a link made after the folder was checked).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from sitrep.errors import RenderError, WorkspaceError
from sitrep.settings.config import DEFAULT_TEMPLATES, template_dirs
from tests.conftest import copy_workspace, quicken
from tests.in_process import completed, sitrep

SECRET = "link-canary-9b2e"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "elsewhere" / "secret.html"
    secret.parent.mkdir()
    secret.write_text(f"<p>{SECRET}</p>", encoding="utf-8")
    return secret


def build(ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> subprocess.CompletedProcess:
    """`sitrep build` through the command line's own group, in this process (exit code, stdout
    and stderr as the script gives them): these tests are about the templates' links, not the
    process; 1.1 CPU s of imports cheaper than `build`."""
    monkeypatch.setenv("SITREP_CACHE_DIR", str(tmp_path / "cache"))
    return completed(sitrep("--workspace", str(ws), "build"), "build")


@pytest.mark.slow
def test_a_partial_linked_out_of_the_workspace_stops_the_build(tmp_path, outside, monkeypatch):
    ws = quicken(copy_workspace(tmp_path / "ws"))  # quick: it stops on the link
    partial = ws / "templates" / "partials" / "header.html"  # a workspace's override of sitrep's
    partial.parent.mkdir(exist_ok=True)
    partial.symlink_to(outside)
    done = build(ws, tmp_path, monkeypatch)
    assert done.returncode == 1, done.stderr
    assert str(partial) in done.stderr and "symbolic link" in done.stderr
    assert "Traceback" not in done.stderr
    assert not list(ws.rglob("*.pdf"))


@pytest.mark.parametrize(
    "name", ["report.html", "style.css", "fonts/linked.woff2", "i18n/en.toml", "a/b/deep.svg"]
)
def test_any_template_file_linked_out_is_named(tmp_path, outside, name):
    ws = copy_workspace(tmp_path / "ws")
    link = ws / "templates" / name
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.exists():
        link.unlink()
    link.symlink_to(outside)
    with pytest.raises(WorkspaceError, match=f"{link}.*outside the workspace"):
        template_dirs(ws / "templates")


def test_a_linked_folder_inside_templates_is_checked_too(tmp_path, outside):
    ws = copy_workspace(tmp_path / "ws")
    (ws / "templates" / "more").symlink_to(outside.parent, target_is_directory=True)
    with pytest.raises(WorkspaceError, match="more"):
        template_dirs(ws / "templates")


@pytest.mark.slow
def test_the_templates_folder_linked_out_is_an_error(tmp_path, monkeypatch):
    ws = copy_workspace(tmp_path / "ws")
    elsewhere = tmp_path / "theme"
    (ws / "templates").rename(elsewhere)
    (ws / "templates").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(WorkspaceError, match=r"templates is a symbolic link"):
        template_dirs(ws / "templates")
    done = build(ws, tmp_path, monkeypatch)  # it stops before any input is read
    assert done.returncode == 1 and "templates is a symbolic link" in done.stderr


def test_a_link_loop_is_an_error_not_a_crash(tmp_path):
    ws = copy_workspace(tmp_path / "ws")
    (ws / "templates" / "loop.html").symlink_to(ws / "templates" / "loop.html")
    with pytest.raises(WorkspaceError, match=r"loop\.html"):
        template_dirs(ws / "templates")


@pytest.mark.slow
def test_links_inside_the_workspace_or_to_sitreps_templates_are_followed(tmp_path, monkeypatch):
    # in-process, quick: what is asserted is that the links are followed and the report made
    ws = quicken(copy_workspace(tmp_path / "ws"))
    (ws / "branding").mkdir()
    shutil.copy2(DEFAULT_TEMPLATES / "logo.svg", ws / "branding" / "logo.svg")
    (ws / "templates" / "logo.svg").symlink_to(ws / "branding" / "logo.svg")
    (ws / "templates" / "default-style.css").symlink_to(DEFAULT_TEMPLATES / "style.css")
    assert template_dirs(ws / "templates")[0] == ws / "templates"
    done = build(ws, tmp_path, monkeypatch)
    assert done.returncode == 0, done.stderr


def test_the_loader_checks_each_file_as_it_reads_it(tmp_path, outside):
    """A link made after `template_dirs` looked (or by a caller that did not look)."""
    from sitrep.render.html import render_html

    templates = tmp_path / "ws" / "templates"
    templates.mkdir(parents=True)
    (templates / "report.html").write_text("{% include 'partials/x.html' %}", encoding="utf-8")
    (templates / "partials").mkdir()
    (templates / "partials" / "x.html").symlink_to(outside)
    with pytest.raises(RenderError, match=r"partials/x\.html.*symbolic link") as caught:
        render_html({}, [templates, DEFAULT_TEMPLATES], "en")
    assert SECRET not in str(caught.value)
    # the same file, copied in, is read
    (templates / "partials" / "x.html").unlink()
    (templates / "partials" / "x.html").write_text("fine", encoding="utf-8")
    assert render_html({}, [templates, DEFAULT_TEMPLATES], "en") == "fine"


def test_the_fetcher_refuses_an_asset_linked_out_of_its_folder(tmp_path, outside):
    from sitrep.render.assets import ASSET_BASE, asset_path

    templates = tmp_path / "templates"
    (templates / "fonts").mkdir(parents=True)
    (templates / "fonts" / "x.woff2").symlink_to(outside)
    (templates / "fonts" / "real.woff2").write_bytes(b"font")
    assert asset_path(ASSET_BASE + "fonts/x.woff2", [templates.resolve()]) is None
    assert asset_path(ASSET_BASE + "fonts/real.woff2", [templates.resolve()]) is not None


def test_a_catalogue_linked_out_after_the_check_is_refused(tmp_path, outside):
    from sitrep.render.html import load_messages

    templates = tmp_path / "ws" / "templates"
    (templates / "i18n").mkdir(parents=True)
    (templates / "i18n" / "en.toml").symlink_to(outside)
    with pytest.raises(RenderError, match=r"en\.toml is a symbolic link"):
        load_messages([templates, DEFAULT_TEMPLATES], "en")
