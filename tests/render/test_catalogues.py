"""The message catalogues: every English key in every language, the same {placeholders}, each
language's CLDR plural categories (from Babel) chosen for the right counts, and a workspace's
catalogue over sitrep's own."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from babel import Locale

from sitrep.render.html import PLURAL_FORMS, Translator, load_messages
from sitrep.settings.config import DEFAULT_TEMPLATES
from tests.conftest import copy_workspace, pdf_text, quicken

LANGUAGES = ("fr", "es", "ar", "pt", "uk")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
COUNTS = (0, 1, 2, 3, 11, 100, 1_000_000, 1.5)  # 1.5: "other" in Ukrainian


def _entries(data: dict, prefix: str = "") -> dict[str, str | dict[str, str]]:
    """key -> text, or key -> {category: text} for a plural entry (a table of CLDR categories)."""
    out: dict[str, str | dict[str, str]] = {}
    for key, value in data.items():
        if isinstance(value, dict) and value and set(value) <= set(PLURAL_FORMS):
            out[prefix + key] = value
        elif isinstance(value, dict):
            out.update(_entries(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


def _catalogue(language: str) -> dict[str, str | dict[str, str]]:
    text = (DEFAULT_TEMPLATES / "i18n" / f"{language}.toml").read_text(encoding="utf-8")
    return _entries(tomllib.loads(text))


def _categories(language: str) -> set[str]:
    """The CLDR plural categories `language` uses, as Babel has them ('other' is implicit)."""
    return set(Locale.parse(language).plural_form.tags) | {"other"}


def _forms(entry: str | dict[str, str]) -> list[str]:
    return list(entry.values()) if isinstance(entry, dict) else [entry]


def test_babel_has_the_plural_categories_the_catalogues_were_written_for() -> None:
    assert _categories("es") == {"one", "many", "other"}
    assert _categories("fr") == {"one", "many", "other"}
    assert _categories("ar") == {"zero", "one", "two", "few", "many", "other"}
    assert _categories("pt") == {"one", "many", "other"}
    assert _categories("uk") == {"one", "few", "many", "other"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_english_key_and_no_other_is_in(language: str) -> None:
    english, other = _catalogue("en"), _catalogue(language)
    assert sorted(set(english) - set(other)) == []
    assert sorted(set(other) - set(english)) == []
    plurals = [k for k, v in english.items() if isinstance(v, dict)]
    assert len(plurals) >= 6
    for key in plurals:
        entry = other[key]
        assert isinstance(entry, dict), f"{language}: {key} has no plural forms"
        assert set(entry) == _categories(language), f"{language}: {key}"
        assert all(text.strip() for text in entry.values()), f"{language}: {key} has a blank form"
    for key, entry in other.items():
        assert all(text.strip() for text in _forms(entry)) or not any(_forms(english[key]))


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_the_english_ones(language: str) -> None:
    english, other = _catalogue("en"), _catalogue(language)
    for key, entry in english.items():
        expected = {name for text in _forms(entry) for name in PLACEHOLDER.findall(text)}
        forms = other[key].items() if isinstance(other[key], dict) else [("", other[key])]
        for category, text in forms:
            found = set(PLACEHOLDER.findall(text))
            # the form for one or two may say its number in words ("حالتا حصار", not "2 ...")
            words = category in ("one", "two") and found < expected and len(expected - found) == 1
            assert found == expected or words, f"{language}: {key}: {text!r}"
            # no stray brace: a lone { or } would fail when the message is filled in
            assert PLACEHOLDER.sub("", text).count("{") == PLACEHOLDER.sub("", text).count("}")


@pytest.mark.parametrize("language", ("en", *LANGUAGES))
def test_plurals_pick_the_language_form_for_the_count(language: str) -> None:
    raw = _catalogue(language)
    t = Translator(load_messages([DEFAULT_TEMPLATES], language), language)
    rules = Locale.parse(language).plural_form
    plurals = {k: v for k, v in raw.items() if isinstance(v, dict)}
    seen: set[str] = set()
    for key, forms in plurals.items():
        names = {name for text in forms.values() for name in PLACEHOLDER.findall(text)}
        values = {name: f"<{name}>" for name in names}
        for count in COUNTS:
            category = rules(count)
            seen.add(category)
            expected = forms[category].format(**{**values, "count": count})
            assert t(key, **{**values, "count": count}) == expected, (language, key, count)
    assert seen == _categories(language)  # the counts reach every form the language has


def test_arabic_categories_for_concrete_counts() -> None:
    raw = _catalogue("ar")["kf.routes_closed"]
    assert isinstance(raw, dict)
    t = Translator(load_messages([DEFAULT_TEMPLATES], "ar"), "ar")
    expected = {0: "zero", 1: "one", 2: "two", 3: "few", 11: "many", 100: "other"}
    for count, category in expected.items():
        assert t("kf.routes_closed", n=count, count=count) == raw[category].format(n=count), count
    assert len(set(raw.values())) >= 4  # the forms really differ
    # the dual says its number in words: "طريقان", never "2 طريقان"
    assert t("kf.routes_closed", n=2, count=2) == "طريقان رئيسيان مغلقان"
    assert t("kf.routes_closed", n="260,000", count=260_000) == "260,000 طريق رئيسي مغلق"


def test_a_workspace_entry_wins_and_the_rest_come_from_sitrep(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    (templates / "i18n").mkdir(parents=True)
    (templates / "i18n" / "es.toml").write_text(
        '[contacts]\nheading = "Contacte con nosotros"\n'
        '[kf]\nroutes_closed = { one = "vía cortada", other = "vías cortadas" }\n',
        encoding="utf-8",
    )
    messages = load_messages([templates, DEFAULT_TEMPLATES], "es")
    t = Translator(messages, "es")
    assert t("contacts.heading") == "Contacte con nosotros"
    assert t("highlights.heading") == "Aspectos destacados"  # sitrep's Spanish
    assert t("report.sitrep_no", number=4) == "Informe de situación n.º 4"
    # the workspace's plural forms replace sitrep's whole entry: no Spanish "many" left over
    assert t("kf.routes_closed", count=1) == "vía cortada"
    assert t("kf.routes_closed", count=1_000_000) == "vías cortadas"
    assert "kf.routes_closed.many" not in messages
    assert load_messages([DEFAULT_TEMPLATES], "es")["contacts.heading"] == "Contactos"


@pytest.mark.slow
def test_a_spanish_report_with_a_workspace_word(tmp_path: Path) -> None:
    """The sample built in Spanish: the catalogue's words, Babel's dates, the workspace's word."""
    from sitrep.report import BuildOptions, build_report

    # quickened: the words and dates asserted are none of the tables or the map it leaves out
    ws = quicken(copy_workspace(tmp_path / "ws"))
    toml = (ws / "sitrep.toml").read_text().replace('locale = "en"', 'locale = "es"')
    (ws / "sitrep.toml").write_text(toml)
    (ws / "templates" / "i18n").mkdir(exist_ok=True)
    (ws / "templates" / "i18n" / "es.toml").write_text(
        '[contacts]\nheading = "Contacte con nosotros"\n', encoding="utf-8"
    )
    result = build_report(BuildOptions(workspace=ws, draft=True))
    text = pdf_text(result.pdf).replace("\u202f", " ").replace("\u00a0", " ")
    assert result.render_warnings == []
    assert "Informe de situación n.º" in text
    assert "Aspectos destacados" in text and "Cifras clave" in text
    assert "Contacte con nosotros" in text
    assert "24 de agosto de 2021" in text  # CLDR's own order, not "24 agosto 2021"
    for english in ("Key figures", "Highlights", "Situation Report No.", "Sources and notes"):
        assert english not in text


def test_a_key_figure_is_split_at_its_number_or_said_in_words(tmp_path: Path) -> None:
    from sitrep.render.html import counted

    english = Translator(load_messages([DEFAULT_TEMPLATES], "en"), "en")
    assert counted(english, "kf.blockades_count", "2", 2) == ("2", "blockades in effect")
    arabic = Translator(load_messages([DEFAULT_TEMPLATES], "ar"), "ar")
    assert counted(arabic, "kf.blockades_count", "2", 2) == ("", "حالتا حصار ساريتان")
    assert counted(arabic, "kf.blockades_count", "12", 12) == ("12", "حالة حصار سارية")
    # a workspace's caption without its number (as captions were written before): beside it
    templates = tmp_path / "templates"
    (templates / "i18n").mkdir(parents=True)
    (templates / "i18n" / "en.toml").write_text(
        '[kf]\nroutes_closed = { one = "road cut", other = "roads cut" }\n', encoding="utf-8"
    )
    own = Translator(load_messages([templates, DEFAULT_TEMPLATES], "en"), "en")
    assert counted(own, "kf.routes_closed", "1", 1) == ("1", "road cut")
