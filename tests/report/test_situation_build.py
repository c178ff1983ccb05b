"""Whole builds with the office's boundaries: from each format a COD-AB comes in, the sample's
PDF with its situation map, an area report's, and a bad file stopping the build cleanly."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sitrep.pipeline import BuildOptions, prepare
from sitrep.render.context import report_context
from sitrep.render.document import render
from sitrep.settings.config import load_config, template_dirs
from tests import boundary_files as files
from tests import in_process

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
    assert DISCLAIMER in html and f"({name}, valid from 17 November 2021)" in html


@pytest.mark.slow  # lays the sample's PDF out
def test_the_sample_report_prints_its_map_with_key_sources_and_disclaimer(sample_text: str):
    assert "IDPs present by District, as of 30 June 2021" in sample_text
    assert "IDPs present (people)" in sample_text and "No data" in sample_text
    assert DISCLAIMER in sample_text
    assert "Boundaries: Illustrative shapes, not real boundaries" in sample_text


@pytest.mark.slow  # a build may start its PDF helper process
def test_a_bad_boundary_file_stops_the_build_and_writes_nothing(workspace: Path) -> None:
    (workspace / "inputs" / "bad.geojson").write_text(
        files.geojson([files.feature({"NAME": "x"}, files.square(69, 35))])
    )
    use(workspace, "bad.geojson")
    # in-process (click's runner): the refusal, its exit code and words are the subject
    done = in_process.sitrep("-w", str(workspace), "build")
    assert done.exit_code == 1 and "Traceback" not in done.stderr
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


@pytest.mark.slow  # runs sitrep
def test_an_unchanged_build_imports_no_heavy_library(issued: Path) -> None:
    """An unchanged report is returned from the files' bytes: with a boundary file too, no
    pandas, no Jinja, no geometry library is imported (the PDF helper ends unused)."""
    # `issued`: the sample (with its boundary file) already built, by the session's build; the
    # process that imports is the second build's, which stays a process of its own
    workspace = issued
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


@pytest.mark.slow  # makes a workspace and draws its map: two CPU seconds, not for test-fast
def test_a_new_workspace_of_another_country_maps_in_arabic(tmp_path: Path) -> None:
    """`sitrep init --country SDN --language ar` with the office's COD and a zipped shapefile:
    the Arabic edition's map draws Sudan's districts with their Arabic names, its key on the
    left, its credit in Arabic with the report's digits; the English edition in English."""
    from tests.render.test_situation_map import paths, spans
    from tests.sudan_workspace import COD, DAY, make_sudan
    from tools.boundary_shapes import generate, write_shapefile_zip

    ws = make_sudan(tmp_path)
    provinces = [(code, en) for code, en, _ in COD]
    districts = [(d, en, p) for (p, _, _), ds in COD.items() for d, en, _ in ds]
    towns = {"SD02114": (25.35, 13.63), "SD02170": (24.85, 13.5), "SD02124": (24.08, 13.65)}
    outline = [(22.0, 10.0), (27.5, 9.5), (27.8, 16.0), (24.0, 16.5), (22.2, 14.0)]
    areas = generate(provinces, districts, outline, towns, centres={"SD03": (24.8, 11.5)})
    write_shapefile_zip(ws / "inputs" / "sdn_adm_shp.zip", areas, "sdn")
    toml = ws / "sitrep.toml"
    toml.write_text(
        toml.read_text("utf-8").replace(
            "[geography]\n", '[geography]\nboundaries = "inputs/sdn_adm_shp.zip"\n', 1
        ),
        "utf-8",
    )
    prepared = prepare(load_config(ws), DAY)
    drawn, credit = {}, {}
    for locale, config in prepared.editions.items():
        context = report_context(
            config,
            prepared.figures[locale],
            prepared.narratives[locale],
            prepared.tables,
            4,
            0,
            BuildOptions(ws),
            boundaries=prepared.boundaries,
        )
        language = locale.split("_")[0].split("-")[0]  # the editions are keyed by locale
        drawn[language] = context["situation_map"].drawn.wide
        credit[language] = re.sub("[\u2066-\u2069]", "", context["boundaries_credit"])
    assert {code for code, _ in paths(drawn["ar"])} == {d for d, _, _ in districts}
    classes = dict(paths(drawn["ar"]))
    assert classes["SD02128"] == classes["SD03164"] != classes["SD02114"]  # no data: not zero
    arabic = [text for _, text in spans(drawn["ar"])]
    english = [text for _, text in spans(drawn["en"])]
    assert "الفاشر" in arabic and "شمال دارفور" in arabic and "Al Fasher" not in arabic
    assert "Al Fasher" in english and "North Darfur" in english
    width = float(re.search(r"--w:([\d.]+)", drawn["ar"]).group(1))
    key = [box[0] for box, text in spans(drawn["ar"]) if text == "لا بيانات"]
    assert key and key[0] < width * 0.3
    assert "سارية منذ ١٧ نوفمبر ٢٠٢١" in credit["ar"] and "sdn_adm_shp.zip" in credit["ar"]
    assert credit["en"].endswith("(sdn_adm_shp.zip, valid from 17 November 2021)")
