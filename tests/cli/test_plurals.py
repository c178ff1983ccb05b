"""Counts agree with their nouns in every line the commands print ("1 error", "1 area report",
"1 recipient"), in the workspace's language, by the catalogues' CLDR plural entries: the
`[cli]` section (what the commands say) and `[problems.counts]`, in all six catalogues."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitrep.cli import main
from sitrep.issue.batch import AreaReport, BatchResult
from sitrep.issue.publish import Published
from sitrep.issue.results import BuildResult
from sitrep.issue.summary import say_batch, say_built, say_published
from sitrep.problems import Counts, Wording
from sitrep.render.catalogue import load_messages
from sitrep.settings.config import DEFAULT_TEMPLATES

LANGUAGES = ("en", "fr", "es", "ar", "pt", "uk")
DAY = dt.date(2026, 11, 19)


def wording(locale: str) -> Wording:
    return Wording(load_messages([DEFAULT_TEMPLATES], locale), locale)


def said(function, *args) -> list[str]:
    lines: list[str] = []
    function(*args, lambda text, err=False, fg=None: lines.append(text))
    return lines


@pytest.mark.parametrize(
    ("locale", "counts", "line"),
    [
        ("en", Counts(1, 1, 1), "1 error, 1 warning (1 note)"),
        ("en", Counts(2, 0, 0), "2 errors, 0 warnings"),
        ("fr", Counts(1, 2, 0), "1 erreur, 2 avertissements"),
        ("es", Counts(1, 1, 0), "1 error, 1 advertencia"),
        ("pt_MZ", Counts(2, 1, 0), "2 erros, 1 aviso"),
        ("uk", Counts(2, 5, 1), "2 помилки, 5 попереджень (1 примітка)"),
        ("ar", Counts(1, 2, 0), "خطأ واحد، تحذيران"),
    ],
)
def test_the_problem_counts_take_their_nouns_plural_forms(locale: str, counts: Counts, line: str):
    assert counts.written(wording(locale)) == line


def test_one_area_report_and_one_file_are_singular_in_english():
    area = AreaReport("AF01", "Kabul", Path("a.pdf"), Path("a.html"), 0, False)
    lines = said(say_batch, BatchResult(DAY, 4, [area], [], False))
    assert lines[-1] == (
        "Report No. 4 for 2026-11-19: 1 area report, 1 built, 0 unchanged since issued."
    )
    published = Published(Path("site"), [object()], [Path("site/a.pdf")], 1, [])  # type: ignore[list-item]
    line = said(say_published, published)[-1]
    assert line.startswith("Published 1 issued report in site: 1 file copied; already there: 1")


def test_what_build_and_publish_say_is_in_the_workspaces_language():
    result = BuildResult(Path("r.pdf"), Path("r.html"), DAY, 4, 1, True, False, [])
    line = said(say_built, result, False)[0]
    assert line == "Report No. 4, revision 1 for 2026-11-19 (the latest date in the data), built:"
    french = said(lambda *a: say_built(*a, wording("fr")), result, False)[0]
    assert french == (
        "Rapport n° 4, révision 1 du 2026-11-19 (la date la plus récente des données), construit :"
    )
    published = Published(Path("site"), [object()] * 2, [Path("site/a.pdf")], 0, [])  # type: ignore[list-item]
    ukrainian = said(lambda *a: say_published(*a, wording("uk")), published)[-1]
    assert ukrainian.startswith("Опубліковано 2 видані звіти у site: скопійовано 1 файл;")


def test_init_says_its_last_line_in_the_workspaces_language(tmp_path: Path):
    result = CliRunner().invoke(main, ["init", str(tmp_path / "ws"), "--country", "MOZ",
                                       "--language", "pt"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"Pronto. Preencha {tmp_path / 'ws' / 'inputs/data.xlsx'}" in result.stderr


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_every_command_line_entry_is_translated_in_every_catalogue(language: str):
    english = tomllib.loads((DEFAULT_TEMPLATES / "i18n" / "en.toml").read_text())
    other = tomllib.loads((DEFAULT_TEMPLATES / "i18n" / f"{language}.toml").read_text())
    assert set(other["cli"]) == set(english["cli"])
    assert set(other["problems"]["counts"]) == set(english["problems"]["counts"])
    same = [k for k in english["cli"] if other["cli"][k] == english["cli"][k]]
    assert same == []  # real translations, not English copied
