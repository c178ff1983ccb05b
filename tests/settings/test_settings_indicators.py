"""`[indicators.KEY]`: every declaration checked at load, every problem named with its key; a
label given once or by language, read in the report's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitrep.errors import ConfigError
from sitrep.settings.config import load_config
from sitrep.settings.indicators import IndicatorSettings, label_in

INPUTS = '[inputs]\ndisplacement = "d.csv"\nblockades = "b.csv"\nroutes = "r.csv"\n'


def _load(tmp_path: Path, text: str):
    (tmp_path / "sitrep.toml").write_text(INPUTS + text, encoding="utf-8")
    return load_config(tmp_path)


def test_declarations_are_read_in_order_with_their_defaults(tmp_path: Path):
    config = _load(
        tmp_path,
        '[indicators.returnees]\nlabel = { en = "returnees", pt = "retornados" }\n'
        'kind = "stock"\nkey_figure = true\n'
        '[indicators.cases]\nlabel = "new cases"\nkind = "flow"\nlevel = 2\n',
    )
    assert list(config.indicators) == ["returnees", "cases"]
    assert config.indicators["returnees"] == IndicatorSettings(
        label={"en": "returnees", "pt": "retornados"}, kind="stock", key_figure=True
    )
    cases = config.indicators["cases"]
    assert (cases.kind, cases.key_figure, cases.rounding) == ("flow", False, "default")
    assert cases.level == 2
    assert _load(tmp_path, "").indicators == {}


def test_every_bad_declaration_is_named_at_once(tmp_path: Path):
    with pytest.raises(ConfigError) as error:
        _load(
            tmp_path,
            '[indicators.a]\nkind = "stok"\n'
            '[indicators.b]\nlabel = { en = "" }\nkind = "flow"\nkey_figure = "yes"\n'
            '[indicators.c]\nlabel = "c"\nkind = "flow"\nlevle = 1\n',
        )
    lines = [line.strip() for line in str(error.value).splitlines()[1:]]
    assert lines == [
        "indicators.a.label: missing; set it to a text, or a table of texts by language: "
        '{ en = "Returnees" }',
        "indicators.a.kind: 'stok' is not 'stock' (a count on a date, like IDPs present) or "
        "'flow' (new in the period, like new displacement)",
        "indicators.b.label: 'en' = '': expected a text under a language code such as 'en'",
        "indicators.b.key_figure: 'yes' is not true or false",
        "indicators.c.levle: unknown key; did you mean `level`?",
    ]


@pytest.mark.parametrize(
    "locale, label",
    [("pt_MZ", "retornados"), ("ar_SD", "returnees"), ("fr", "returnees")],
)
def test_a_label_in_the_reports_language_else_english(locale: str, label: str):
    settings = IndicatorSettings(label={"pt": "retornados", "en": "returnees"}, kind="stock")
    assert label_in(settings, locale) == label
    only = IndicatorSettings(label={"ar": "العائدون"}, kind="stock")
    assert label_in(only, "fr") == "العائدون"  # the first given, when neither is there
