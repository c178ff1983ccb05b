"""Reports in a language sitrep did not speak before: Portuguese and Ukrainian as shipped, with
no English word in the PDF, and a sixth language (Swahili) added by following the README's
"Adding a language" alone: warned about while incomplete, then a complete report."""

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
from sitrep.report import BuildOptions, build_report
from sitrep.settings.config import DEFAULT_TEMPLATES
from tests.conftest import ROOT, pdf_text
from tests.new_languages import DAY, fill, init

pytestmark = pytest.mark.slow  # each test builds a report

WORD = re.compile(r"[A-Za-z]{4,}")
# Data, not words of the report: the datasets' and the global list's titles (their credit, whose
# own words, "via", are the catalogue's), file and sheet names
DATA = re.compile(
    r"OCHA Common Operational Datasets \(COD-AB\)|OCHA Global P-Code List"
    r"|\b\w+\.(?:csv|xlsx)\b|(?:folha|аркуш) \w+"
)


def words(language: str) -> set[str]:
    """The Latin-script words of a catalogue's texts (the problems' aside), lowercased."""
    path = DEFAULT_TEMPLATES / "i18n" / f"{language}.toml"
    found = entries(tomllib.loads(path.read_text(encoding="utf-8")))
    texts = [
        text
        for key, entry in found.items()
        if not key.startswith("problems.")
        for text in (entry.values() if isinstance(entry, dict) else [entry])
    ]
    return {w.lower() for text in texts for w in WORD.findall(re.sub(r"\{\w+\}", "", text))}


@pytest.mark.parametrize(
    ("language", "country", "crisis", "phrases"),
    [
        ("pt", "MOZ", "Cabo Delgado", ("Relatório de Situação n.º 5", "Destaques",
         "Números-chave", "Panorama da situação", "Fontes e notas",
         "à data de 19 de novembro de 2026")),
        ("uk", "UKR", "Харків", ("Звіт про ситуацію № 5", "Основні моменти", "Ключові цифри",
         "Огляд ситуації", "Джерела та примітки", "станом на 19 листопада 2026")),
    ],
)  # fmt: skip
def test_a_workspace_in_the_language_builds_with_no_english_word(
    tmp_path: Path, language: str, country: str, crisis: str, phrases: tuple[str, ...]
) -> None:
    ws = tmp_path / language
    code, said = init(ws, country, language)
    assert code == 0 and "incomplete" not in said and "catalogue" not in said, said
    fill(ws, country, language, crisis)
    result = build_report(BuildOptions(ws, DAY))
    assert result.problems == []  # no warning: not one entry of the catalogue is missing
    text = " ".join(pdf_text(result.pdf).split())
    for phrase in phrases:
        assert phrase in text
    english = words("en") - words(language)  # what only the English catalogue says
    found = {w.lower() for w in WORD.findall(DATA.sub("", text))}
    assert sorted(found & english) == []


def test_a_sixth_language_added_by_following_the_readme(tmp_path: Path) -> None:
    """Swahili, step by step as README.md's "Adding a language" says, by its own commands."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Adding a language", 1)[1].split("\n## ", 1)[0]
    commands = [" ".join(c.split()) for c in re.findall(r"`(sitrep [^`]+)`", section)]
    ws = tmp_path / "ke-floods"

    def step(command: str):
        assert command in commands, f"README.md no longer says `{command}`"
        args = command.split()[1:]
        args = [str(ws) if a == "ke-floods" else a for a in args]
        if args[0] != "init" and "-w" not in args:
            args = ["-w", str(ws), *args]
        return CliRunner().invoke(main, args)

    total = len(english_entries())
    warned = f"Kiswahili (sw), has no complete catalogue: {total} of {total} entries are missing"
    # 1. a workspace in the language: warned about, at init and at validate
    made = step("sitrep init ke-floods --country KEN --language sw")
    assert made.exit_code == 0 and warned in made.output
    fill(ws, "KEN", "sw", "Mafuriko")
    (ws / "inputs" / "words.toml").write_text(
        '[headings]\nhighlights = ["Mambo muhimu"]\noverview = ["Muhtasari wa hali"]\n'
        'response = ["Mwitikio"]\n',
        encoding="utf-8",
    )  # 5. the office's words in the language
    checked = CliRunner().invoke(main, ["-w", str(ws), "validate"])
    assert checked.exit_code == 0 and warned in checked.output
    strict = CliRunner().invoke(main, ["-w", str(ws), "validate", "--strict"])
    assert strict.exit_code == 1
    # 2. the new catalogue; 3. a few entries written in a text editor
    assert step("sitrep -w ke-floods catalogue new sw").exit_code == 0
    toml = ws / "templates" / "i18n" / "sw.toml"
    swahili = {
        "sitrep_no": "Ripoti ya Hali Na. {number}",
        "heading": "Mambo muhimu",  # [highlights] comes before the other headings
    }
    text = toml.read_text(encoding="utf-8")
    for key, value in swahili.items():
        text = text.replace(f'\n{key} = ""', f'\n{key} = "{value}"', 1)
    toml.write_text(text, encoding="utf-8")
    # 4. the check lists what is left; validate and build say how much
    assert step("sitrep catalogue check sw").exit_code == 1
    left = f"{total - 2} of {total} entries are missing"
    assert left in CliRunner().invoke(main, ["-w", str(ws), "validate"]).output
    draft = CliRunner().invoke(main, ["-w", str(ws), "build", "--draft"])
    assert draft.exit_code == 0 and left in draft.output  # built, its missing words English
    assert "Ripoti ya Hali Na. 5" in pdf_text(next((ws / "output").rglob("*.pdf")))
    # 3. the rest in a translators' tool, through the .po file
    assert step("sitrep catalogue po sw").exit_code == 0
    po = ws / "templates" / "i18n" / "sw.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.id and not message.string:
            keep = message.context == "email.date_pattern"  # a Babel pattern, not words
            message.string = message.id if keep else stand_in(message.id)
    data = io.BytesIO()
    write_po(data, catalog)
    po.write_bytes(data.getvalue())
    assert step("sitrep catalogue import sw").exit_code == 0
    complete = step("sitrep catalogue check sw")
    assert complete.exit_code == 0, complete.output
    # complete: no warning, and every word of the report from the Swahili catalogue
    checked = CliRunner().invoke(main, ["-w", str(ws), "validate"])
    assert checked.exit_code == 0 and "Kiswahili" not in checked.output
    result = build_report(BuildOptions(ws, DAY))
    assert result.problems == []
    text = " ".join(pdf_text(result.pdf).split())
    assert "Ripoti ya Hali Na. 5" in text and "Mambo muhimu" in text
    assert "NOTES AND DISCLAIMERS" in text and "SOURCES AND NOTES" in text
    for english in ("Situation Report", "Key figures", "Sources and notes", "Page 1 of"):
        assert english not in text


def stand_in(text: str) -> str:
    """A translation as a test can write one: the English in capitals, {names} as they are."""
    parts = re.split(r"(\{\w+\})", text)
    return "".join(p if re.fullmatch(r"\{\w+\}", p) else p.upper() for p in parts)
