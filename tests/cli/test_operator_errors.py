"""What the user can fix exits 1 with a message that says what to do, never 2 ("a bug in
sitrep"): a publish folder that is not one, TOML nested too deep for the parser, a line break in
the email's subject (caught before anything is issued), a damaged or locked send ledger (named,
with how to recover, and never deleted or written over)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitrep import durable
from sitrep.cli import main
from sitrep.delivery import ledger
from tests.smtp_server import SmtpTestServer

DEEP = "a = " + "[" * 2000 + "]" * 2000 + "\n"  # tomllib: RecursionError at some 400 levels


def run(*args: str, **env: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env or None)
    assert "Traceback" not in result.output and "Internal error" not in result.output
    return result.exit_code, result.output


@pytest.fixture
def issued(workspace: Path, built_sample) -> Path:
    """The sample with its report issued (as the session built it): send takes it as it is."""
    shutil.copytree(built_sample[0] / "output", workspace / "output")
    return workspace


@pytest.mark.parametrize(
    ("folder", "said"),
    [
        ("/dev/null", "/dev/null is not a folder"),
        ("/proc/self", "files cannot be written in /proc/self"),
        ("/dev/null/site", "files cannot be written in /dev/null/site"),
    ],
)
def test_publish_into_what_is_not_a_writable_folder(issued: Path, folder: str, said: str):
    code, out = run("-w", str(issued), "publish", folder)
    assert code == 1 and said in out and "publish into a folder you can write" in out


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("inputs/words.toml", "inputs/words.toml: not valid TOML for sitrep: lists or tables"),
        ("templates/i18n/en.toml", "en.toml: not valid TOML: tables or lists nested hundreds"),
        ("templates/i18n/fr.toml", "fr.toml: not valid TOML: tables or lists nested hundreds"),
    ],
)
def test_toml_nested_too_deep_for_the_parser(workspace: Path, path: str, said: str):
    (workspace / path).write_text(DEEP, encoding="utf-8")
    settings = workspace / "sitrep.toml"
    settings.write_text(settings.read_text().replace('locale = "en"', 'locale = "fr"'))
    code, out = run("-w", str(workspace), "build", "--draft")
    assert code == 1 and said in out, out
    assert not (workspace / "output/2021-08-24").exists()


def test_sitrep_toml_nested_too_deep(workspace: Path):
    (workspace / "sitrep.toml").write_text(DEEP, encoding="utf-8")
    code, out = run("-w", str(workspace), "validate")
    assert code == 1 and "sitrep.toml: not valid TOML: lists nested hundreds" in out


@pytest.mark.parametrize(
    ("entry", "shown"),
    [
        ('subject = "{title} - No. {number}\\r\\nBcc: someone@evil.example"', "U+000D"),
        ('title = "{country}\\n{crisis}"', "U+000A"),
        ('subject_revision = "{subject}\\u2028Revision {revision}"', "U+2028"),
    ],
)
def test_a_line_break_in_the_emails_subject_stops_the_build_before_it_issues(
    workspace: Path, entry: str, shown: str
):
    catalogue = workspace / "templates/i18n/en.toml"
    catalogue.write_text(catalogue.read_text() + f"\n[email]\n{entry}\n", encoding="utf-8")
    code, out = run("-w", str(workspace), "send")
    assert code == 1, out
    assert "templates/i18n/en.toml: email." in out and shown in out and "one line" in out
    assert not (workspace / "output/issued.json").exists()
    assert not list(workspace.glob("output/*/*.pdf"))


def test_a_line_break_in_the_crisis_is_a_settings_error(workspace: Path):
    settings = workspace / "sitrep.toml"
    text = settings.read_text()
    settings.write_text(text.replace('crisis = "', 'crisis = "Floods\\nBcc: x@evil.example ', 1))
    code, out = run("-w", str(workspace), "send")
    assert code == 1 and "report.crisis:" in out and "U+000A" in out and "one line" in out
    assert not (workspace / "output").exists()


def test_a_damaged_ledger_is_named_with_how_to_recover_and_left_as_it_is(issued: Path):
    damaged = issued / "send-ledger.sqlite"
    garbage = b"this was a ledger until a disk went bad\n" * 200
    damaged.write_bytes(garbage)
    with SmtpTestServer() as server:
        code, out = run("-w", str(issued), "send", SITREP_SMTP_URL=server.url())
        assert server.handler.received == []
    assert code == 1, out
    assert f"the send ledger {damaged} is damaged" in out and "file is not a database" in out
    assert ".recover" in out and "backup" in out
    assert damaged.read_bytes() == garbage
    code, out = run("-w", str(issued), "send", "--status")
    assert code == 1 and "is damaged" in out
    assert damaged.read_bytes() == garbage


HOLD = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA locking_mode=EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("INSERT INTO unsubscribe_tokens VALUES ('x@example.org', 't', 'now')")
print("holding", flush=True)
sys.stdin.read()
"""


def test_a_ledger_another_program_holds_is_named_and_left_as_it_is(issued: Path, monkeypatch):
    path = issued / "send-ledger.sqlite"
    ledger.open_ledger(path).close()
    monkeypatch.setattr(durable, "BUSY_SECONDS", 0.2)  # 30 s in use
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"holding\n"
        with SmtpTestServer() as server:
            code, out = run("-w", str(issued), "send", SITREP_SMTP_URL=server.url())
            assert server.handler.received == []
    finally:
        holder.communicate(b"")
    assert code == 1, out
    assert f"the send ledger {path} is locked by another program" in out
    assert "database is locked" in out and "run the command again" in out
    with sqlite3.connect(path) as conn:  # the holder's transaction never committed; nothing lost
        assert conn.execute("SELECT COUNT(*) FROM unsubscribe_tokens").fetchone() == (0,)
