"""How figures are worded: plural forms by CLDR rules, headline rounding, dates with their year."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sitrep.render.html import date_for, headline_number, load_messages, make_translator
from sitrep.settings.check import check_section
from sitrep.settings.config import DEFAULT_TEMPLATES
from sitrep.settings.schema import FIGURES


def translator(locale: str, extra: Path | None = None):
    dirs = [extra, DEFAULT_TEMPLATES] if extra else [DEFAULT_TEMPLATES]
    return make_translator(load_messages(dirs, locale), locale)


@pytest.mark.parametrize(
    ("locale", "key", "count", "words"),
    [
        ("en", "kf.blockades_count", 1, "1 blockade in effect"),
        ("en", "kf.blockades_count", 2, "2 blockades in effect"),
        ("en", "kf.routes_closed", 1, "1 key route closed"),
        ("en", "kf.routes_closed", 0, "0 key routes closed"),
        ("fr", "kf.routes_closed", 0, "0 axe routier fermé"),  # French: 0 and 1 take the singular
        ("fr", "kf.routes_closed", 3, "3 axes routiers fermés"),
        ("fr", "access.changed_part", 1, ", 1 modifié depuis le 23 août"),
        ("fr", "access.changed_part", 2, ", 2 modifiés depuis le 23 août"),
    ],
)
def test_plural_forms_follow_the_language(locale, key, count, words) -> None:
    assert translator(locale)(key, n=count, count=count, date="23 août") == words


@pytest.mark.parametrize(
    ("locale", "key", "count", "words"),
    [
        ("es", "blockades.heading", 1, "Bloqueos: 1 vigente, 4.000 personas aisladas"),
        ("es", "blockades.heading", 2, "Bloqueos: 2 vigentes, 4.000 personas aisladas"),
        ("fr", "kf.sources_more", 1, "OCHA et 1 autre"),
        ("fr", "kf.sources_more", 2, "OCHA et 2 autres"),
        ("ar", "kf.sources_more", 1, "OCHA ومصدر آخر"),  # one: its number in its words
        ("ar", "kf.sources_more", 3, "OCHA و3 مصادر أخرى"),
    ],
)
def test_a_count_inside_a_sentence_agrees_with_its_words(locale, key, count, words) -> None:
    """ "1 vigentes", "et 1 autres": the count picks the form, as in a report's pages."""
    t = translator(locale)
    people = t("blockades.cut_off", n="4.000", count=4000)  # the second count: its own entry
    assert t(key, n=str(count), count=count, first="OCHA", people=people) == words


def test_a_workspace_rewords_a_plural_entry_with_a_plain_one(tmp_path: Path) -> None:
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n/en.toml").write_text('[kf]\nblockades_count = "blockades"\n')
    assert translator("en", tmp_path)("kf.blockades_count", count=1) == "blockades"


def test_headline_rounding_is_a_setting_and_exact_by_default() -> None:
    t_en, t_fr = translator("en"), translator("fr")
    assert headline_number(1_287_593, "exact", t_en, "en") == "1,287,593"
    assert headline_number(1_287_593, "compact", t_en, "en") == "some 1.29 million"
    assert headline_number(1_287_593, "compact", t_fr, "fr") == "quelque 1,29 million"
    assert headline_number(45_678, "compact", t_en, "en") == "some 46 thousand"
    assert headline_number(950, "compact", t_en, "en") == "950"  # small figures stay exact
    assert headline_number(None, "compact", t_en, "en") == "--"
    settings, problems = check_section(FIGURES, {"headline_rounding": "rough", "top": 3})
    assert problems == [
        "figures.top: unknown key (known: carry_forward, headline_rounding, top_areas, "
        "full_tables)",
        "figures.headline_rounding: 'rough' is not 'exact' or 'compact'",
    ]
    assert settings["headline_rounding"] == "exact"


def test_a_date_of_another_year_prints_its_year() -> None:
    report = dt.date(2025, 6, 30)
    assert date_for(dt.date(2024, 12, 31), report, "en") == "31 Dec 2024"
    assert date_for(dt.date(2025, 5, 31), report, "fr") == "31 mai"
    assert date_for(None, report, "en") == "--"
