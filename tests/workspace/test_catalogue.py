"""`sitrep catalogue`: a new language's catalogue written, checked, and carried to a translators'
`.po` file and back (Babel's pofile), as the README's "Adding a language" tells a translator."""

from __future__ import annotations

import io
import re
import tomllib
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from sitrep.cli import main
from sitrep.render.catalogue import english_entries, entries

PLACEHOLDER = re.compile(r"\{\w+\}")


def run(workspace: Path, *args: str):
    return CliRunner().invoke(main, ["-w", str(workspace), "catalogue", *args])


def pseudo(text: str) -> str:
    """A stand-in translation: the English in capitals, its {names} kept as they are."""
    parts = re.split(r"(\{\w+\})", text)
    return "".join(p if PLACEHOLDER.fullmatch(p) else p.upper() for p in parts)


def test_new_writes_every_entry_empty_with_its_english_above_it(tmp_path: Path) -> None:
    result = run(tmp_path, "new", "sw")
    assert result.exit_code == 0, result.output
    path = tmp_path / "templates" / "i18n" / "sw.toml"
    text = path.read_text(encoding="utf-8")
    written = entries(tomllib.loads(text))
    english = english_entries()
    assert list(written) == list(english)  # every entry, in the English order
    assert all(v == "" for v in written.values() if isinstance(v, str))
    assert all(set(v) == {"one", "other"} for v in written.values() if isinstance(v, dict))
    lines = text.splitlines()
    title = lines.index('title = ""', lines.index("[report]"))
    assert lines[title - 1] == "# {country}: {crisis}"  # the English beside the entry
    assert 'routes_closed = { one = "", other = "" }' in text
    assert "Plural forms (CLDR): one: i in 1 and v in 0; other: any other" in text
    # Russian's categories, from CLDR: a new catalogue in another language gets its own
    assert run(tmp_path, "new", "ru").exit_code == 0
    russian = (tmp_path / "templates" / "i18n" / "ru.toml").read_text(encoding="utf-8")
    assert 'routes_closed = { one = "", few = "", many = "", other = "" }' in russian


def test_new_refuses_what_exists_and_what_cldr_does_not_know(tmp_path: Path) -> None:
    assert run(tmp_path, "new", "sw").exit_code == 0
    again = run(tmp_path, "new", "sw")
    assert again.exit_code == 1 and "exists" in again.output and "check sw" in again.output
    shipped = run(tmp_path, "new", "pt")
    assert shipped.exit_code == 1 and "sitrep has a catalogue in pt" in shipped.output
    unknown = run(tmp_path, "new", "xx")
    assert unknown.exit_code == 1 and "not a language CLDR knows" in unknown.output
    assert not (tmp_path / "templates" / "i18n" / "pt.toml").exists()


def test_check_lists_what_is_missing_extra_and_to_fix(tmp_path: Path) -> None:
    folder = tmp_path / "templates" / "i18n"
    folder.mkdir(parents=True)
    (folder / "sw.toml").write_text(
        "[report]\n"
        'sitrep_no = "Ripoti ya Hali Na. {number}"\n'
        'revision = "Marekebisho {revisoin}"\n'  # a misspelt placeholder
        'titel = "Kichwa"\n'  # no such entry
        "[kf]\n"
        'routes_closed = { other = "barabara kuu zimefungwa" }\n',  # no 'one'
        encoding="utf-8",
    )
    result = run(tmp_path, "check", "sw")
    assert result.exit_code == 1
    total = len(english_entries())
    out = result.output
    assert f"Kiswahili (sw): 3 of {total} entries translated, {total - 3} missing" in out
    assert '  report.title = "{country}: {crisis}"' in out  # missing, with its English
    assert "  report.titel" in out  # extra
    assert "report.revision: its {names} should be the English ones: {revision}" in out
    assert "kf.routes_closed: no plural form one" in out
    # Portuguese, as sitrep ships it: complete
    assert run(tmp_path, "check", "pt").exit_code == 0


def test_a_catalogue_goes_to_po_and_back_unchanged(tmp_path: Path) -> None:
    assert run(tmp_path, "new", "uk").exit_code == 1  # sitrep ships Ukrainian
    assert run(tmp_path, "new", "be").exit_code == 0  # Belarusian: one, few, many, other
    toml = tmp_path / "templates" / "i18n" / "be.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('title = ""', 'title = "{country}: {crisis}"', 1)
    toml.write_text(text, encoding="utf-8")
    assert run(tmp_path, "po", "be").exit_code == 0
    po = tmp_path / "templates" / "i18n" / "be.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    english = english_entries()
    by_context = {m.context: m for m in catalog if m.id}
    assert by_context["report.title"].string == "{country}: {crisis}"  # the TOML's, carried
    assert by_context["report.sitrep_no"].id == "Situation Report No. {number}"
    assert set(by_context) >= {f"kf.routes_closed.{c}" for c in ("one", "few", "many", "other")}
    assert by_context["kf.routes_closed.few"].id == english["kf.routes_closed"]["other"]
    # a translator's tool fills every message, leaves one needing work, adds one of its own
    for message in catalog:
        if message.id:
            message.string = pseudo(message.id)
    by_context["report.draft"].flags.add("fuzzy")
    catalog.add("Stray", "STRAY", context="report.stray")
    data = io.BytesIO()
    write_po(data, catalog)
    po.write_bytes(data.getvalue())
    result = run(tmp_path, "import", "be")
    assert result.exit_code == 0, result.output
    assert "1 messages of the .po are no entry of sitrep's" in result.output
    assert "1 messages marked as needing work (fuzzy)" in result.output
    back = entries(tomllib.loads(toml.read_text(encoding="utf-8")))
    assert list(back) == list(english)
    assert back["report.sitrep_no"] == "SITUATION REPORT NO. {number}"
    assert back["report.draft"] == ""  # needing work: not taken
    assert back["kf.routes_closed"]["many"] == pseudo(english["kf.routes_closed"]["other"])
    # and again: the TOML gives the same .po, and the .po the same TOML
    before = toml.read_bytes()
    assert run(tmp_path, "po", "be").exit_code == 0
    assert run(tmp_path, "import", "be").exit_code == 0
    assert toml.read_bytes() == before
    check = run(tmp_path, "check", "be")
    assert check.exit_code == 1 and "report.draft" in check.output and "1 missing" in check.output


def test_import_needs_the_po_file_and_a_small_one(tmp_path: Path) -> None:
    result = run(tmp_path, "import", "sw")
    assert result.exit_code == 1 and "sw.po does not exist" in result.output
    po = tmp_path / "templates" / "i18n" / "sw.po"
    po.parent.mkdir(parents=True)
    with po.open("wb") as handle:  # sparse: 11 MB on the disk's word, nothing written
        handle.truncate(11 * 2**20)
    result = run(tmp_path, "import", "sw")
    assert result.exit_code == 1 and "over 10 MB" in result.output
    assert not (tmp_path / "templates" / "i18n" / "sw.toml").exists()


@pytest.mark.parametrize("language", ["en", "en_GB"])
def test_english_is_sitrep_own_language(tmp_path: Path, language: str) -> None:
    result = run(tmp_path, "new", language)
    assert result.exit_code == 1 and "sitrep's own language" in result.output
