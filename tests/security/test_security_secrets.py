"""The SMTP password never leaves sitrep: not in messages, tracebacks (--debug), files or logs.

The delivery tests check the ordinary paths; these try the hostile ones: a password in the URL
and in the environment at once, a server that echoes the password (plain and base64) in its
refusal, a malformed URL, and `--debug`, which shows tracebacks. Every form of the password
(`sitrep.safety.secrets.secret_forms`) is searched for in stdout, stderr and every file of the
workspace.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sitrep.delivery.transport import parse_smtp_url
from sitrep.errors import SitrepError
from sitrep.safety.secrets import secret_forms
from tests.smtp_server import SmtpTestServer, certificate

PASSWORD = "Env-s3cret/p@ss:word"  # SITREP_SMTP_PASSWORD, with characters URLs must quote
URL_PASSWORD = "url-secret-Qx7"  # a password written into SITREP_SMTP_URL as well


def all_forms() -> set[str]:
    return secret_forms(PASSWORD, "imo") | secret_forms(URL_PASSWORD, "imo")


def assert_nowhere(texts: list[str], folder: Path | None = None) -> None:
    forms = all_forms()
    for text in texts:
        for form in forms:
            assert form not in text, f"{form!r} leaked"
    if folder is not None:
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                for form in forms:
                    assert form.encode() not in data, f"{form!r} leaked into {path}"


def sitrep(workspace: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SITREP_")}
    return subprocess.run(
        [sys.executable, "-m", "sitrep", "-w", str(workspace), *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
    )


@pytest.mark.parametrize(
    "url",
    [
        f"smtp://imo:{URL_PASSWORD}@relay.example.org:notaport",
        f"smtp://imo:{URL_PASSWORD}@relay.example.org:99999",
        f"imap://imo:{URL_PASSWORD}@relay.example.org",
        f"smtp://imo:{URL_PASSWORD}@relay.example.org/path?q=1",
        f"smtp://imo:{URL_PASSWORD}@:25",
        f"smtp://imo:{URL_PASSWORD}@[::1",
    ],
)
def test_a_malformed_url_is_reported_without_its_password(url):
    with pytest.raises(SitrepError) as info:
        parse_smtp_url(url, PASSWORD)
    assert_nowhere([str(info.value), repr(info.value)])


def test_the_target_never_shows_the_password():
    target = parse_smtp_url(f"smtps://imo:{URL_PASSWORD}@relay.example.org", PASSWORD)
    assert target.password == PASSWORD  # the environment wins over the URL
    assert_nowhere([repr(target), str(target), target.display(), f"{target}", f"{target!r}"])


@pytest.fixture(scope="module")
def send_workspace(tmp_path_factory, built_sample) -> Path:
    """One workspace for the CLI runs, its report already issued (the session's build's output
    copied in, as the `issued` fixture does): `send` takes it instead of building it again in
    each process. The password's paths are the send's: the login, the URL, --debug."""
    from tests.conftest import copy_workspace

    ws = copy_workspace(tmp_path_factory.mktemp("secrets") / "ws")
    shutil.copytree(built_sample[0] / "output", ws / "output")
    return ws


@pytest.mark.slow
def test_debug_send_with_an_echoing_server_leaks_nothing(send_workspace: Path):
    """A refused login, with a server echoing the password plain and base64, under --debug."""
    b64 = base64.b64encode(PASSWORD.encode()).decode()
    echo = f"535 5.7.8 bad credentials {PASSWORD} {b64}"
    with SmtpTestServer(tls="starttls", auth=("imo", "other"), auth_failure_reply=echo) as server:
        run = sitrep(
            send_workspace,
            "--debug",
            "send",
            SITREP_SMTP_URL=server.url("smtp+starttls", user="imo", password=URL_PASSWORD),
            SITREP_SMTP_PASSWORD=PASSWORD,
            SSL_CERT_FILE=str(certificate()[0]),
        )
    assert run.returncode != 0
    assert "refused the login" in run.stdout + run.stderr
    assert_nowhere([run.stdout, run.stderr], send_workspace)


@pytest.mark.slow
def test_debug_send_with_a_malformed_url_leaks_nothing(send_workspace: Path):
    run = sitrep(
        send_workspace,
        "--debug",
        "send",
        SITREP_SMTP_URL=f"smtp://imo:{URL_PASSWORD}@relay.example.org:notaport",
        SITREP_SMTP_PASSWORD=PASSWORD,
    )
    assert run.returncode != 0
    assert_nowhere([run.stdout, run.stderr], send_workspace)
