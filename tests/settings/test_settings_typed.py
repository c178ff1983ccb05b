"""One typed settings object: every section read once, at load, into its dataclass; `[email]` and
`[publish]` too; and the schema's room for what is coming (tables of tables, text by language)."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from sitrep.delivery.distribute import email_settings
from sitrep.errors import ConfigError
from sitrep.settings.check import (
    Key,
    Section,
    check_settings,
    flag,
    markdown_table,
    one_of,
    setting,
)
from sitrep.settings.config import load_config
from sitrep.settings.email import EmailSettings
from sitrep.settings.locales import language_of
from sitrep.settings.schema import PublishSettings, ReportSettings

INPUTS = '[inputs]\ndisplacement = "d.csv"\nblockades = "b.csv"\nroutes = "r.csv"\n'
EMAIL = '\n[email]\nfrom = " OCHA <ocha@example.org> "\nmax_attempts = 2\nbackoff_seconds = 3\n'


def _load(tmp_path: Path, text: str):
    (tmp_path / "sitrep.toml").write_text(text, encoding="utf-8")
    return load_config(tmp_path)


def _checked_again(key: Key, value: object) -> list[str]:
    raise AssertionError(f"{key.name} checked again")


def test_the_email_section_is_read_once_into_its_settings(tmp_path: Path, monkeypatch):
    config = _load(tmp_path, INPUTS + EMAIL)
    assert config.email == EmailSettings(
        from_addr="OCHA <ocha@example.org>", max_attempts=2, backoff_seconds=3.0
    )
    # `sitrep send` reads what load_config checked: it checks no key again
    monkeypatch.setattr(Key, "problems", _checked_again)
    monkeypatch.delenv("SITREP_SMTP_URL", raising=False)
    assert email_settings(config) is config.email
    monkeypatch.setenv("SITREP_SMTP_URL", "smtp://relay.example.org:2525")
    assert email_settings(config).smtp == "smtp://relay.example.org:2525"  # wins at send time
    assert config.email.smtp is None


def test_without_an_email_section_send_says_what_it_needs(tmp_path: Path):
    config = _load(tmp_path, INPUTS)
    assert config.email is None
    with pytest.raises(ConfigError) as error:
        email_settings(config)
    assert str(error.value).endswith(
        "has 1 problem(s):\n  email.from: missing; set it to an email address, e.g. "
        "'Field Office <office@example.org>'"
    )


def test_the_publish_folder_is_a_path_from_the_workspace(tmp_path: Path):
    config = _load(
        tmp_path, INPUTS + '\n[publish]\nfolder = "site/reports"\nbase_url = "https://x.org/r"\n'
    )
    assert config.publish == PublishSettings(
        folder=tmp_path.resolve() / "site" / "reports", base_url="https://x.org/r"
    )
    assert _load(tmp_path, INPUTS + '\n[publish]\nfolder = ""\n').publish.folder is None


def test_settings_records_are_built_by_keyword():
    with pytest.raises(TypeError):
        EmailSettings("ocha@example.org")  # type: ignore[misc]
    with pytest.raises(TypeError):
        ReportSettings("Haiti")  # type: ignore[misc]
    fields = [f.name for f in dataclasses.fields(ReportSettings)]
    assert fields[:3] == ["country", "crisis", "slug"] and "cadence_days" in fields


# What later issues will add, declared here with the same parts: a table of tables keyed by the
# user (`[indicators.KEY]`) and a text given once or by language (`{ en = "...", ar = "..." }`).
def _by_language(value: str | dict) -> list[str]:
    if isinstance(value, str):
        return [] if value.strip() else ["'' is not a label"]
    return [
        f"{lang!r}: {text!r} is not text in a language such as 'en'"
        for lang, text in value.items()
        if not isinstance(text, str) or not language_of(lang)
    ]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Indicator:
    label: str | dict[str, str] = setting(
        Key(
            kinds=(str, dict),
            expected="text, or a table of texts by language",
            doc="what the report calls it",
            required=True,
            check=_by_language,
        )
    )
    kind: str = one_of(("stock", "flow"), '`"stock"` or `"flow"`')
    key_figure: bool = flag(False, "true: one of the key figures")


INDICATORS = Section(
    name="indicators", doc="the figures", settings=Indicator, each=True, optional=True
)


def test_a_table_of_tables_keyed_by_the_user_is_one_section():
    data = tomllib.loads(
        '[indicators.idps]\nlabel = { en = "IDPs", ar = "النازحون" }\nkey_figure = true\n'
        '[indicators.prices]\nlable = "Prices"\nkind = "flw"\n'
        '[indicators.roads]\nlabel = { en = "Roads", "12" = "x" }\n'
    )
    found, problems = check_settings((INDICATORS,), data)
    assert problems == [
        "indicators.prices.lable: unknown key; did you mean `label`?",
        "indicators.prices.label: missing; set it to text, or a table of texts by language",
        "indicators.prices.kind: 'flw' is not 'stock' or 'flow'",
        "indicators.roads.label: '12': 'x' is not text in a language such as 'en'",
    ]
    assert found["indicators"]["idps"] == Indicator(
        label={"en": "IDPs", "ar": "النازحون"}, key_figure=True
    )
    assert found["indicators"]["prices"] is None  # no label: no settings
    assert check_settings((INDICATORS,), {}) == ({"indicators": None}, [])
    assert markdown_table(INDICATORS).startswith("**`[indicators.NAME]`**: the figures.")
