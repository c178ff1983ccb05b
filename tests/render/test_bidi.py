"""Text of one direction inside the other's, isolated; lists in the language's separator; BCP 47
tags; one term for "situation report" in each catalogue."""

from __future__ import annotations

import pytest

from sitrep.render.bidi import FSI, LRI, PDI, isolate, isolate_runs, listing, plain, separator
from sitrep.render.html import load_messages, make_translator
from sitrep.settings.config import DEFAULT_TEMPLATES
from sitrep.settings.locales import language_tag
from tests.conftest import catalogue


@pytest.mark.parametrize(
    ("text", "rtl", "expected"),
    [
        ("+249 912 345 678", True, f"{LRI}+249 912 345 678{PDI}"),
        ("+4,550", True, f"{LRI}+4,550{PDI}"),
        ("Al Fasher", True, f"{LRI}Al Fasher{PDI}"),
        ("SD02114", True, f"{LRI}SD02114{PDI}"),
        ("١٩ نوفمبر ٢٠٢٦", True, f"{FSI}١٩ نوفمبر ٢٠٢٦{PDI}"),  # mixed: its own direction
        ("الفاشر", True, "الفاشر"),  # the paragraph's own direction: left as it is
        ("الفاشر", False, f"{FSI}الفاشر{PDI}"),  # Arabic in an English sentence
        ("+4,550", False, "+4,550"),
        (f"{LRI}12{PDI}", True, f"{LRI}12{PDI}"),  # never twice
        ("", True, ""),
    ],
)
def test_what_is_isolated(text: str, rtl: bool, expected: str) -> None:
    assert isolate(text, rtl) == expected
    assert plain(isolate(text, rtl)) == plain(text)


def test_lists_keep_their_commas_in_place() -> None:
    assert listing(["Al Fasher", "Tawila"], "ar", True) == f"{LRI}Al Fasher{PDI}، {LRI}Tawila{PDI}"
    assert listing(["a.csv", "b.csv"], "en", False) == "a.csv, b.csv"
    assert separator("ar_SD") == "، " and separator("ar", semicolon=True) == "؛ "
    assert separator("fr_HT") == ", " and separator("es_CO", semicolon=True) == "; "


def test_a_narratives_runs_are_isolated_outside_its_tags_and_entities() -> None:
    html = '<p>اتصل على +249 912 345 678 &amp; <a href="mailto:a@b.org">a@b.org</a>.</p>'
    assert isolate_runs(html) == (
        f"<p>اتصل على {LRI}+249 912 345 678{PDI} &amp; "
        f'<a href="mailto:a@b.org">{LRI}a@b.org{PDI}</a>.</p>'
    )


@pytest.mark.parametrize(
    ("locale", "tag"),
    [("ar_SD", "ar-SD"), ("ar-SD", "ar-SD"), ("sr_Latn_RS", "sr-Latn-RS"), ("fr", "fr"),
     ("en_US.UTF-8", "en-US"), ("zh-Hant-TW", "zh-Hant-TW")],
)  # fmt: skip
def test_language_tags_are_bcp47(locale: str, tag: str) -> None:
    assert language_tag(locale) == tag


def test_a_reports_sentences_isolate_what_they_are_filled_with() -> None:
    arabic = make_translator(load_messages([DEFAULT_TEMPLATES], "ar"), "ar", isolating=True)
    assert arabic("email.contact", name="Layla Hamid", title="رئيسة المكتب",
                  organisation="OCHA Sudan", email="l@example.org") == (
        f"{LRI}Layla Hamid{PDI}، رئيسة المكتب، {LRI}OCHA Sudan{PDI}، {LRI}l@example.org{PDI}"
    )  # fmt: skip
    english = make_translator(load_messages([DEFAULT_TEMPLATES], "en"), "en", isolating=True)
    assert english("report.title", country="Sudan", crisis="El Fasher") == "Sudan: El Fasher"
    # a file name, a tool's text: not isolated unless asked
    assert (
        make_translator(load_messages([DEFAULT_TEMPLATES], "ar"), "ar")(
            "report.sitrep_no", number="4"
        )
        == "تقرير الوضع رقم 4"
    )


@pytest.mark.parametrize("language", ["en", "fr", "es", "ar"])
def test_one_term_for_situation_report(language: str) -> None:
    words = catalogue(language)
    # "Situation Report", "Rapport de situation", "تقرير الوضع": before "No. {number}"
    term = " ".join(words["report.sitrep_no"].split("{number}")[0].split()[:-1])
    for key in ("report.full_title", "email.sitrep_no", "email.subject"):
        assert term in words[key], (language, key)
    assert term.split()[-1].lower() in words["archive.title"].lower()
    assert words["report.revision"] == words["email.revision"]
    if language == "ar":
        assert not [k for k, v in words.items() if "تقرير الحالة" in v or "تقارير الحالة" in v]
