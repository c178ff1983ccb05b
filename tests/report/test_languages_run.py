"""`[report] languages`: one report per language from the same figures, under one number."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from sitrep.errors import ConfigError, ValidationFailed
from tests.conftest import copy_workspace, pdf_text, quicken

DAY = "2021-08-24"
FRENCH = """# Points saillants

- Les combats ont déplacé de nouvelles familles vers le sud.
- Deux axes routiers clés restent fermés.

# Aperçu de la situation

Les marchés manquent de carburant.

# Réponse

Les partenaires distribuent des vivres.
"""


def _settings(ws, line: str) -> None:
    toml = (ws / "sitrep.toml").read_text()
    (ws / "sitrep.toml").write_text(re.sub(r'(?m)^locale = "en".*$', line, toml))


def _bilingual(tmp_path, languages: str):
    # the quick workspace: the editions, names and numbers, not the tables it leaves out
    ws = quicken(copy_workspace(tmp_path / "ws"))
    _settings(ws, f"languages = {languages}")
    narrative = ws / "inputs" / "narrative"
    (narrative / "fr").mkdir()
    (narrative / "fr" / f"{DAY}.md").write_text(FRENCH, encoding="utf-8")
    return ws


def _number_words(text: str) -> list[str]:
    """The figures a report prints, digits only, in order: the same in every language."""
    return re.findall(r"\d[\d\s\u202f\u00a0.,]*\d", text)


@pytest.mark.slow
def test_french_and_english_under_one_number(tmp_path) -> None:
    from sitrep.report import BuildOptions, build_report

    ws = _bilingual(tmp_path, '["fr", "en"]')
    narrative = ws / "inputs" / "narrative"
    (narrative / "en").mkdir()
    shutil.copy(narrative / f"{DAY}.md", narrative / "en" / f"{DAY}.md")
    result = build_report(BuildOptions(workspace=ws))

    # the first language keeps today's names; the other gets _en before the extension
    assert result.pdf.name == f"afg-northeast_sitrep_{DAY}_no10.pdf"
    english_pdf, english_html = result.edition("en")
    assert english_pdf.name == f"afg-northeast_sitrep_{DAY}_no10_en.pdf"
    assert english_html.name == f"afg-northeast_sitrep_{DAY}_no10_en.html"
    assert result.edition("fr") == (result.pdf, result.html)
    french, english = pdf_text(result.pdf), pdf_text(english_pdf)
    assert "Rapport de situation n° 10" in french and "Situation Report No. 10" not in french
    assert "Situation Report No. 10" in english and "Rapport de situation" not in english
    assert "Les combats ont déplacé" in french and "Les combats" not in english
    assert "24 août 2021" in french and "24 August 2021" in english
    # the same figures: 19 435 in French is 19,435 in English
    assert "19 435" in french.replace("\u202f", " ") and "19,435" in english
    assert 'lang="en"' in english_html.read_text("utf-8")

    # recorded together, as one issue
    record = json.loads((ws / "output" / "issued.json").read_text())["reports"]
    assert len(record) == 1 and record[0]["number"] == 10
    assert record[0]["editions"]["en"][0] == f"{DAY}/{english_pdf.name}"

    # published together: both files, and the archive lists each in its language
    from sitrep.issue.publish import publish

    publish(ws, tmp_path / "site")
    assert (tmp_path / "site" / DAY / english_pdf.name).is_file()
    archive = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert '<article lang="fr"' in archive and '<article lang="en"' in archive

    # an unchanged build returns both; an edition removed is made again
    again = build_report(BuildOptions(workspace=ws))
    assert again.reused and again.edition("en") == (english_pdf, english_html)
    english_pdf.unlink()
    rebuilt = build_report(BuildOptions(workspace=ws))
    assert not rebuilt.reused and rebuilt.number == 10 and english_pdf.is_file()


@pytest.mark.slow
def test_first_language_keeps_its_narrative_and_a_missing_one_is_an_error(tmp_path) -> None:
    from sitrep.pipeline import check_inputs
    from sitrep.report import BuildOptions, build_report

    ws = _bilingual(tmp_path, '["en", "fr"]')
    (ws / "inputs" / "narrative" / "fr" / f"{DAY}.md").unlink()
    with pytest.raises(ValidationFailed) as failed:
        build_report(BuildOptions(workspace=ws))
    messages = [p.message for p in failed.value.problems if p.severity == "error"]
    assert len(messages) == 1 and f"inputs/narrative/fr/{DAY}.md" in messages[0]
    assert not (ws / "output").exists() or not list((ws / "output").rglob("*.pdf"))
    # `sitrep validate` says the same, and looks at the other language's headings too
    checked = check_inputs(ws, narrative=True)
    assert any(f"fr/{DAY}.md" in p.message for p in checked.problems if p.severity == "error")
    (ws / "inputs" / "narrative" / "fr" / f"{DAY}.md").write_text(
        "# Points saillants\n\n- Un point.\n\n# Chronologie\n\nTexte.\n", encoding="utf-8"
    )
    checked = check_inputs(ws, narrative=True)
    unknown = [p for p in checked.problems if p.value == "Chronologie"]
    assert unknown and unknown[0].severity == "warning"

    (ws / "inputs" / "narrative" / "fr" / f"{DAY}.md").write_text(FRENCH, encoding="utf-8")
    result = build_report(BuildOptions(workspace=ws, draft=True))
    # English first, from inputs/narrative/<date>.md as before
    assert result.pdf.name.endswith("_DRAFT.pdf") and "Situation Report" in pdf_text(result.pdf)
    french_pdf = result.edition("fr")[0]
    assert french_pdf.name.endswith("_DRAFT_fr.pdf")
    french = pdf_text(french_pdf)
    assert "Points saillants" in french and "Les combats ont déplacé" in french


def test_language_settings_are_checked_at_once(tmp_path) -> None:
    from sitrep.settings.config import load_config

    ws = copy_workspace(tmp_path / "ws")
    _settings(ws, 'locale = "en"\nlanguages = ["fr", "xx-YY-ZZ", "fr_HT"]\ndigits = "roman"')
    with pytest.raises(ConfigError) as failed:
        load_config(ws)
    text = str(failed.value)
    assert "'fr' is listed twice" in text
    assert "'xx-YY-ZZ'" in text
    assert "differs from report.locale 'en'" in text
    assert "report.digits: 'roman'" in text

    ws = copy_workspace(tmp_path / "second")
    _settings(ws, 'languages = ["ar_SD", "en"]')
    config = load_config(ws)
    # English as written in Sudan (CLDR's en_SD): the numbers and dates of the country
    assert config.locale == "ar_SD" and config.languages == ("ar_SD", "en_SD")
