"""Whole builds with the office's boundaries: from each format a COD-AB comes in, the sample's
PDF with its situation map, an area report's, and a bad file stopping the build cleanly."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sitrep.pipeline import BuildOptions, prepare
from sitrep.render.document import render
from sitrep.settings.config import load_config, template_dirs
from tests import boundary_files as files

DISCLAIMER = (
    "The boundaries and names shown and the designations used on this map do not imply "
    "official endorsement or acceptance by the United Nations."
)


def use(workspace: Path, name: str) -> None:
    config = workspace / "sitrep.toml"
    config.write_text(config.read_text().replace("inputs/boundaries.geojson", f"inputs/{name}"))


@pytest.mark.parametrize("name", sorted(files.FORMATS))
def test_a_report_from_each_format_draws_every_district(workspace: Path, name: str) -> None:
    files.write(workspace / "inputs", name)
    use(workspace, name)
    config = load_config(workspace)
    prepared = prepare(config, None)
    html = render(
        prepared, BuildOptions(workspace), template_dirs(config.templates_dir), 10, 0
    ).html
    drawn = set(re.findall(r'data-pcode="([^"]+)"', html))
    assert drawn == {a.pcode for a in files.areas() if a.level == 2}
    assert DISCLAIMER in html and f"({name}, valid from 2021-11-17)" in html


def test_the_sample_report_prints_its_map_with_key_sources_and_disclaimer(sample_text: str):
    assert "IDPs present by District, as of 30 June 2021" in sample_text
    assert "IDPs present (people)" in sample_text and "No data" in sample_text
    assert DISCLAIMER in sample_text
    assert "Boundaries: Illustrative shapes, not real boundaries" in sample_text


def test_a_bad_boundary_file_stops_the_build_and_writes_nothing(workspace: Path) -> None:
    (workspace / "inputs" / "bad.geojson").write_text(
        files.geojson([files.feature({"NAME": "x"}, files.square(69, 35))])
    )
    use(workspace, "bad.geojson")
    done = subprocess.run(
        [sys.executable, "-m", "sitrep", "-w", str(workspace), "build"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "geography.boundaries: inputs/bad.geojson: layer bad.geojson" in done.stderr
    assert "no P-code column" in done.stderr
    assert not list((workspace / "output").rglob("*.pdf"))


def test_a_changed_boundary_file_changes_what_the_report_is_made_from(workspace: Path) -> None:
    from sitrep.issue.fingerprint import files_fingerprint, fingerprint

    config = load_config(workspace)
    dirs = template_dirs(config.templates_dir)
    before = (fingerprint(config, {}, dirs), files_fingerprint(config, {}, dirs))
    path = workspace / "inputs" / "boundaries.geojson"
    path.write_text(path.read_text().replace("2021-11-17", "2021-11-18"))
    after = (fingerprint(config, {}, dirs), files_fingerprint(config, {}, dirs))
    assert before[0] != after[0] and before[1] != after[1]


def test_an_unchanged_build_imports_no_heavy_library(workspace: Path) -> None:
    """An unchanged report is returned from the files' bytes: with a boundary file too, no
    pandas, no Jinja, no geometry library is imported (the PDF helper ends unused)."""
    build = [sys.executable, "-m", "sitrep", "-w", str(workspace), "build"]
    first = subprocess.run(build, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    script = (
        "import sys\n"
        "from sitrep.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:], standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ('pandas', 'jinja2', 'weasyprint', 'shapely', 'pyproj', 'shapefile')\n"
        "print('heavy:', [m for m in heavy if m in sys.modules])\n"
    )
    again = subprocess.run(
        [sys.executable, "-c", script, "-w", str(workspace), "build"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert "unchanged since issued" in again.stderr + again.stdout
    assert again.returncode == 0 and "heavy: []" in again.stdout.splitlines(), again.stdout
