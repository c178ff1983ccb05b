"""The office's boundary file: every COD-AB format read alike, hostile files refused clearly.

The same made-up shapes (tests/boundary_files.py) are read from a zipped shapefile, GeoJSON,
a GeoPackage and TopoJSON; a file with no P-code column, another country's P-codes, an
invalid polygon or a coordinate system of another world is one error naming the file, the
layer and the feature. The hostile files of issue 33 (a shapefile claiming 2 GB, a zip bomb,
a million vertices) go through `sitrep validate` in a process under a 4 GiB address-space
limit, as the workbook bombs do.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sitrep.errors import ConfigError
from sitrep.geo.gazetteer import country_gazetteer
from sitrep.inputs import boundaries as reader
from sitrep.settings.limits import Limits
from tests import boundary_files as files
from tests.boundary_files import feature, geojson, square

ADDRESS_SPACE = 4 * 1024**3
AFG = country_gazetteer("AFG")


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SITREP_CACHE_DIR", str(folder))
    reader._MEMORY.clear()
    return folder


def read(path: Path, limits: Limits | None = None):
    return reader.read_boundaries(path, limits or Limits(), AFG, path.parent)


@pytest.mark.parametrize("name", sorted(files.FORMATS))
def test_every_format_gives_the_same_areas(tmp_path: Path, name: str) -> None:
    found = read(files.write(tmp_path, name))
    expected = {(a.pcode, a.level) for a in files.areas()}
    assert {(c, s.level) for c, s in zip(found.pcodes, found.geometry.shapes, strict=True)} == (
        expected
    )
    reference = read(files.write(tmp_path, "boundaries.geojson"))
    for code, shape in found.at(2):
        other = reference.shape(code)
        # the same polygon, whatever the format (GeoJSON keeps 5 decimals: a metre or so)
        # (its label point is found to within a kilometre or so)
        assert abs(shape.anchor[0] - other.anchor[0]) < 1500 and shape.box == pytest.approx(
            other.box, abs=10
        )
    assert found.geometry.valid_on == "2021-11-17"
    assert found.parent("AF0907") == "AF09"


def test_admin_1_is_made_from_admin_2_when_the_file_has_only_districts(tmp_path: Path) -> None:
    found = read(files.write(tmp_path, "boundaries.geojson", only=2))
    assert {c for c, _ in found.at(1)} == {a.pcode for a in files.areas() if a.level == 1}


def test_pcodes_in_any_written_form_are_the_canonical_ones(tmp_path: Path) -> None:
    path = tmp_path / "b.geojson"
    path.write_text(
        geojson(
            [
                feature({"adm2_pcode": "afg0907", "adm1_pcode": "af 09"}, square(69.2, 35.6)),
                feature({"adm2_pcode": "AF0908", "adm1_pcode": "AF09"}, square(69.3, 35.6)),
            ]
        )
    )
    found = read(path)
    assert set(found.pcodes) == {"AF0907", "AF0908", "AF09"}


def test_the_cache_is_used_and_a_change_of_bytes_is_read_again(tmp_path: Path, cache: Path):
    path = files.write(tmp_path, "boundaries.geojson")
    first = read(path)
    stored = list((cache / "boundaries").glob("*.bin"))
    assert len(stored) == 1 and stored[0].name.startswith(first.digest)
    reader._MEMORY.clear()
    again = read(path)  # from the cache file: no shapely needed
    assert again.geometry == first.geometry
    path.write_text(path.read_text().replace('"validOn":"2021-11-17"', '"validOn":"2022-01-01"'))
    assert read(path).geometry.valid_on == "2022-01-01"
    assert len(list((cache / "boundaries").glob("*.bin"))) == 2


def problem(path: Path, limits: Limits | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        read(path, limits)
    return str(caught.value)


def test_a_layer_without_a_pcode_column_is_named_with_its_columns(tmp_path: Path) -> None:
    path = tmp_path / "plain.geojson"
    path.write_text(geojson([feature({"NAME": "Somewhere", "ID": 3}, square(69, 35))]))
    message = problem(path)
    assert message.startswith("geography.boundaries: plain.geojson: layer plain.geojson")
    assert "no P-code column" in message and "NAME, ID" in message


def test_pcodes_of_another_country_are_named_feature_by_feature(tmp_path: Path) -> None:
    path = tmp_path / "haiti.geojson"
    path.write_text(
        geojson([feature({"ADM1_PCODE": "HT01", "ADM1_EN": "Ouest"}, square(-72.3, 18.5))])
    )
    message = problem(path)
    assert "feature 1 (HT01): HT01 is a P-code of Haiti" in message
    assert "this workspace's country is Afghanistan" in message


def test_an_invalid_polygon_is_named_and_nothing_is_used(tmp_path: Path) -> None:
    bowtie = [[[69.0, 35.0], [69.2, 35.2], [69.2, 35.0], [69.0, 35.2], [69.0, 35.0]]]
    path = tmp_path / "bad.geojson"
    path.write_text(
        geojson(
            [
                feature({"ADM2_PCODE": "AF0908", "ADM1_PCODE": "AF09"}, square(69.3, 35.6)),
                feature({"ADM2_PCODE": "AF0907", "ADM1_PCODE": "AF09"}, bowtie),
            ]
        )
    )
    message = problem(path)
    assert "layer bad.geojson: feature 2 (AF0907): invalid geometry (Self-intersection" in message


def test_a_prj_of_another_world_is_refused(tmp_path: Path) -> None:
    message = problem(files.with_prj(tmp_path / "mars.zip", files.MARS_PRJ))
    assert "layer afg_admbnda_adm2" in message
    assert "not on the Earth (ellipsoid 'Mars_2000_IAU_IAG', 3,396 km)" in message


def test_a_projected_file_is_changed_to_longitude_latitude(tmp_path: Path) -> None:
    import shapely
    from pyproj import CRS, Transformer

    utm = Transformer.from_crs(4326, 32642, always_xy=True)
    areas = [
        files.Area(
            a.pcode,
            a.name,
            a.level,
            a.parent,
            shapely.transform(
                a.geometry,
                lambda c: __import__("numpy").column_stack(utm.transform(c[:, 0], c[:, 1])),
            ),
        )
        for a in files.areas()
        if a.level == 2
    ]
    path = files.write_shapefile_zip(
        tmp_path / "utm.zip", areas, "afg", prj=CRS(32642).to_wkt("WKT1_ESRI")
    )
    projected = read(path)
    plain = read(files.write(tmp_path, "boundaries.geojson", only=2))
    for code, shape in plain.at(2):
        assert projected.shape(code).box == pytest.approx(shape.box, abs=25)


def test_coordinates_that_are_not_longitude_latitude_say_so(tmp_path: Path) -> None:
    path = tmp_path / "metres.geojson"
    path.write_text(geojson([feature({"ADM1_PCODE": "AF09"}, square(500_000, 3_900_000, 1000))]))
    assert "are not longitude and latitude" in problem(path)


def test_a_shapefile_whose_header_lies_is_refused_before_it_is_read(tmp_path: Path) -> None:
    message = problem(files.shapefile_claiming(tmp_path / "claims.zip"))
    assert "layer afg_admbnda_adm2" in message
    assert ".shp header says the file holds 2.0 GB" in message


def test_a_zip_bomb_is_refused_by_its_directory(tmp_path: Path) -> None:
    message = problem(files.zip_bomb(tmp_path / "bomb.zip"))
    assert "a zip bomb?" in message and "limits.max_zip_ratio" in message


def test_the_size_limit_names_its_setting(tmp_path: Path) -> None:
    path = files.write(tmp_path, "boundaries.geojson")
    message = problem(path, Limits(max_boundaries_mb=0))
    assert "limits.max_boundaries_mb" in message and "[limits] max_boundaries_mb" in message


def test_not_a_boundary_file_at_all(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    assert "is not a boundary file sitrep reads" in problem(path)
    path = tmp_path / "deep.geojson"
    path.write_text("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in problem(path)


def validate_bounded(workspace: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SITREP_SMTP")}
    command = [sys.executable, "-m", "sitrep", "-w", str(workspace), "validate"]
    return subprocess.run(
        ["prlimit", f"--as={ADDRESS_SPACE}", *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


HOSTILE = {
    "claims-2gb.zip": (files.shapefile_claiming, ".shp header says the file holds 2.0 GB"),
    "bomb.zip": (lambda p: files.zip_bomb(p, 128), "limits.max_zip_ratio"),
    "mars.zip": (lambda p: files.with_prj(p, files.MARS_PRJ), "not on the Earth"),
}


@pytest.mark.slow  # runs sitrep under a memory limit
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_one_clear_error_under_the_memory_limit(
    workspace: Path, name: str
) -> None:
    make, expected = HOSTILE[name]
    make(workspace / "inputs" / name)
    config = workspace / "sitrep.toml"
    config.write_text(config.read_text().replace("inputs/boundaries.geojson", f"inputs/{name}"))
    done = validate_bounded(workspace)
    assert done.returncode == 1, done.stderr
    assert f"geography.boundaries: inputs/{name}:" in done.stderr and expected in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow  # runs sitrep under a memory limit
def test_a_million_vertices_are_simplified_under_the_memory_limit(workspace: Path) -> None:
    files.million_vertices(workspace / "inputs" / "dense.geojson")
    config = workspace / "sitrep.toml"
    config.write_text(
        config.read_text().replace("inputs/boundaries.geojson", "inputs/dense.geojson")
    )
    done = validate_bounded(workspace)
    assert done.returncode == 0, done.stderr
    found = read(workspace / "inputs" / "dense.geojson")
    dense = found.shape("AF0907")
    assert sum(len(r) // 2 for r in dense.rings["country"]) < 400
    assert json.loads((workspace / "inputs" / "dense.geojson").read_text())["features"]
