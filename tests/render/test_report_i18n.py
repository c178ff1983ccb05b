"""Words from the catalogue, dates and numbers from Babel: a French report, and overrides."""

from __future__ import annotations

import pytest

from tests.conftest import copy_workspace, pdf_text, quicken

pytestmark = pytest.mark.slow  # builds reports: not in make test-fast


def test_a_french_report_with_a_workspace_override(tmp_path) -> None:
    """locale = "fr": French words, dates and numbers; the workspace overrides a partial and a
    word by placing files of the same name in its own templates/ folder."""
    from sitrep.report import BuildOptions, build_report

    # quickened: the words, dates and numbers asserted are none of the tables or the map it
    # leaves out
    ws = quicken(copy_workspace(tmp_path / "ws"))
    toml = (ws / "sitrep.toml").read_text().replace('locale = "en"', 'locale = "fr"')
    (ws / "sitrep.toml").write_text(toml)
    (ws / "templates" / "i18n").mkdir(exist_ok=True)
    (ws / "templates" / "i18n" / "fr.toml").write_text('[contacts]\nheading = "Nous joindre"\n')
    (ws / "templates" / "partials").mkdir(exist_ok=True)
    (ws / "templates" / "partials" / "notice.html").write_text(
        '<aside class="notice">Avis du bureau local.</aside>\n'
    )
    result = build_report(BuildOptions(workspace=ws, draft=True))
    text = pdf_text(result.pdf).replace("\u202f", " ").replace("\u00a0", " ")
    assert result.render_warnings == []
    assert "24 août 2021" in text
    assert "19 435" in text
    assert "Rapport de situation n° 10" in text
    assert "Points saillants" in text and "Chiffres clés" in text
    assert "Nous joindre" in text  # the workspace's word
    assert "Avis du bureau local." in text  # the workspace's partial
    assert "Page 1 sur" in text
