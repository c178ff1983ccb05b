"""One locale-to-language function, Babel's parser underneath: POSIX and BCP 47 forms, any case,
used everywhere sitrep needs a locale's language (no hand-made split left)."""

from __future__ import annotations

import re

import pytest

from sitrep.inputs.words import builtin_words
from sitrep.render.html import load_messages
from sitrep.settings.config import DEFAULT_TEMPLATES
from sitrep.settings.languages import language_of
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("locale", "language"),
    [
        ("fr", "fr"),
        ("fr_HT", "fr"),
        ("ar-SD", "ar"),
        ("FR", "fr"),
        ("Fr-ht", "fr"),
        ("zh-Hant-TW", "zh"),
        ("sr_Latn_RS", "sr"),
        ("es-419", "es"),
        ("de-CH-1996", "de"),
        ("en_US.UTF-8", "en"),
        ("fr_FR@euro", "fr"),
        ("Français (FR)", ""),  # no locale at all: no language, not a made-up one
        ("", ""),
    ],
)
def test_the_language_of_a_locale(locale: str, language: str):
    assert language_of(locale) == language


def test_a_locale_in_capitals_reads_its_languages_catalogue_and_headings():
    assert load_messages([DEFAULT_TEMPLATES], "FR")["report.draft"] == "PROJET"
    assert load_messages([DEFAULT_TEMPLATES], "fr-HT")["report.draft"] == "PROJET"
    words = builtin_words()
    assert words.known_headings("FR") == words.known_headings("fr") != words.known_headings("en")


def test_no_locale_is_split_by_hand():
    hand = re.compile(
        r"""\.(split|partition)\(["']_["']\)|replace\(["']-["'], ["']_["']\)\.split"""
    )
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "sitrep").rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if hand.search(line)
    ]
    assert found == []
