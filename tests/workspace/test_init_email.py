"""`sitrep init` writes an `[email]` section, every key commented with an example and one line:
a fresh workspace's settings stay valid (a section of comments only is no section), and the
keys uncommented with real values are `send`'s settings. Never a password in the file."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from sitrep.cli import main
from sitrep.settings.config import load_config
from sitrep.settings.email import EMAIL


def section(text: str) -> str:
    return text.split("\n[email]\n", 1)[1].split("\n[", 1)[0]


def test_init_writes_every_email_key_commented_and_the_settings_stay_valid(tmp_path: Path):
    workspace = tmp_path / "ws"
    result = CliRunner().invoke(main, ["init", str(workspace), "--country", "HTI"])
    assert result.exit_code == 0, result.output
    email = section((workspace / "sitrep.toml").read_text())
    for key in EMAIL.keys:  # each key, commented, under a one-line comment
        assert re.search(rf"^#   .+:\n# {key.name} = \S", email, re.M), key.name
    assert "SITREP_SMTP_URL" in email and "SITREP_SMTP_PASSWORD" in email
    assert "password =" not in email
    assert load_config(workspace).email is None  # as without the section: send says so
    result = CliRunner().invoke(main, ["-w", str(workspace), "validate", "--format", "json"])
    problems = json.loads(result.stdout)["problems"]
    assert [p["code"] for p in problems] == ["no-data"]  # the empty workbook, not the settings


def test_the_keys_uncommented_with_real_values_are_sends_settings(tmp_path: Path):
    workspace = tmp_path / "ws"
    assert CliRunner().invoke(main, ["init", str(workspace), "--country", "HTI"]).exit_code == 0
    toml = workspace / "sitrep.toml"
    text = toml.read_text()
    email = section(text)
    real = re.sub(r"^# (\w+ = )", r"\1", email, flags=re.M).replace(
        "office@example.org", "ocha-hti@example.org"
    )
    toml.write_text(text.replace(email, real))
    settings = load_config(workspace).email
    assert settings is not None
    assert settings.from_addr == "Field Office <ocha-hti@example.org>"
    assert settings.smtp == "smtp+starttls://office@smtp.example.org:587"
    assert settings.report_url == "https://reports.example.org/{date}/{file}"
    assert settings.max_attempts == 4 and settings.data_timeout_seconds == 600.0
