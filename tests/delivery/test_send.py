"""`sitrep send` end to end: the sample report to its partners, via the outbox or real SMTP."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.delivery.conftest import sitrep_in_process
from tests.smtp_server import SUBJECT, SmtpTestServer, certificate, run_sitrep

pytestmark = pytest.mark.slow  # runs `sitrep send`, which builds the sample: not in make test-fast

# `sitrep` runs in this process (sitrep_in_process) where a test is about what `send` does and
# says, and as a process of its own (run_sitrep) where the process is the subject: the password
# taken from its environment and never in its output.

ACTIVE = {"fsc@example.org", "logs@example.org", "protection@example.org",
          "baghlan.forum@example.org", "panjshir.team@example.org"}  # fmt: skip


def test_without_smtp_the_outbox_gets_one_eml_per_partner(issued: Path):
    old_layout = issued / "output/2021-08-24/outbox/fsc@example.org.eml"  # an older sitrep's
    old_layout.parent.mkdir(parents=True)
    old_layout.write_bytes(b"Subject: an earlier issue\n\n")
    run = sitrep_in_process(issued, "send")
    assert not old_layout.exists()
    assert run.returncode == 0, run.stderr
    outbox = issued / "output/2021-08-24/outbox/no10-r0"  # one folder per issue and revision
    files = sorted(outbox.glob("*.eml"))
    assert {f.stem.rsplit("-", 1)[0] for f in files} == ACTIVE  # the inactive member: nothing
    assert sorted(outbox.iterdir()) == files
    pdf = next((issued / "output/2021-08-24").glob("*.pdf")).read_bytes()
    for file in files:  # a partner preferring a link gets the PDF too: no report_url is set
        message = email.message_from_bytes(file.read_bytes(), policy=policy.default)
        assert message["Subject"] == SUBJECT and message["X-Unsent"] == "1"
        assert [p.get_content() for p in message.iter_attachments()] == [pdf]
        (logo,) = [p for p in message.walk() if p.get_content_maintype() == "image"]
        own = issued / "templates/logo.svg"  # the workspace's, else sitrep's default
        default = ROOT / "sitrep/templates/logo.svg"
        assert logo.get_content() == (own if own.exists() else default).read_bytes()
        assert f"cid:{logo['Content-ID'].strip('<>')}" in message.get_body(("html",)).get_content()
    assert "outbox" in run.stdout and "5 written" in run.stdout


def test_a_server_refusing_everyone_is_tried_ten_times_not_four_per_partner(issued: Path):
    # the partners are not what the report says: --input partners sends the issued report
    partners = issued / "many-partners.csv"
    rows = [f"Partner {i},p{i:03d}@example.org,NGO,WASH" for i in range(1, 51)]
    partners.write_text("name,email,organisation,lists\n" + "\n".join(rows) + "\n")
    settings = issued / "sitrep.toml"
    settings.write_text(settings.read_text().replace("[email]\n", "[email]\nbackoff_seconds = 0\n"))
    with SmtpTestServer() as server:
        server.handler.rcpt_everyone = "450 4.7.1 too many messages, try again later"
        run = sitrep_in_process(
            issued, "send", "--input", f"partners={partners}", SITREP_SMTP_URL=server.url()
        )
        assert server.handler.rcpt_count == 10  # the default max_failures_in_a_row; not 200
        assert run.returncode == 1, run.stderr
        assert "3 failed temporary, 47 not sent" in run.stdout
        assert "Stopped trying smtp://127.0.0.1" in run.stdout
        assert "10 temporary failures in a row, the last: 450 4.7.1" in run.stdout
        assert "recorded as not sent: 47 recipients." in run.stdout
        assert "p050@example.org" not in run.stdout  # one line for them all, not 47
        status = sitrep_in_process(issued, "send", "--status")
        assert status.stdout.count("not sent, retry later") == 47
        server.handler.rcpt_everyone = None  # the next morning: the server takes messages again
        again = sitrep_in_process(
            issued, "send", "--input", f"partners={partners}", SITREP_SMTP_URL=server.url()
        )
        assert again.returncode == 0, again.stdout
        assert sorted(server.handler.copies().values()) == [1] * 50


def test_smtp_delivers_once_per_partner_and_a_rerun_sends_nothing(issued: Path):
    with SmtpTestServer() as server:
        run = sitrep_in_process(issued, "send", SITREP_SMTP_URL=server.url())
        assert run.returncode == 0, run.stderr
        assert sorted(server.handler.recipients()) == sorted(ACTIVE)
        pdf = next((issued / "output/2021-08-24").glob("*.pdf")).read_bytes()
        for received in server.handler.received:
            (attachment,) = received.message.iter_attachments()
            assert attachment.get_content() == pdf
            assert received.message["Subject"] == SUBJECT
        again = sitrep_in_process(issued, "send", SITREP_SMTP_URL=server.url())
        assert again.returncode == 0 and "5 already sent" in again.stdout
        assert len(server.handler.received) == 5
    status = sitrep_in_process(issued, "send", "--status")
    assert status.returncode == 0
    assert status.stdout.count(" sent ") == 5 and "fsc@example.org" in status.stdout


def test_unknown_recipients_are_named_never_resent_unless_asked(issued: Path):
    fsc, logs, protection, baghlan, panjshir = (
        "fsc@example.org", "logs@example.org", "protection@example.org",
        "baghlan.forum@example.org", "panjshir.team@example.org",
    )  # fmt: skip
    with SmtpTestServer() as server:
        handler = server.handler
        handler.fault(fsc, "drop_after_dot")
        handler.fault(logs, "drop_after_dot")
        handler.fault(protection, "451")  # after the dot: definite, retried
        handler.rcpt_always[baghlan] = "550 5.1.1 no such user"
        handler.fault(panjshir, "drop_before_data")  # nothing sent: retried
        first = sitrep_in_process(issued, "send", SITREP_SMTP_URL=server.url())
        assert first.returncode == 1, first.stderr
        assert handler.copies() == {fsc: 1, logs: 1, protection: 1, panjshir: 1}
        assert "2 sent, 2 unknown, 1 failed permanent" in first.stdout
        assert f"{fsc}: unknown: may have been delivered" in first.stdout
        assert "Not confirmed (2 recipients):" in first.stdout and f"{logs}" in first.stdout

        again = sitrep_in_process(issued, "send", SITREP_SMTP_URL=server.url())
        assert again.returncode == 1 and handler.copies()[fsc] == 1 and handler.copies()[logs] == 1
        assert "2 already sent, 2 unknown, 1 failed permanent" in again.stdout

        status = sitrep_in_process(issued, "send", "--status")
        assert status.returncode == 0
        assert f"unknown           {fsc}" in status.stdout
        assert f"May or may not have it (2 recipients): {fsc}, {logs}" in status.stdout
        assert "--resend-unknown" in status.stdout

        del handler.rcpt_always[baghlan]
        asked = sitrep_in_process(issued, "send", "--resend-unknown", SITREP_SMTP_URL=server.url())
        assert asked.returncode == 0, asked.stdout + asked.stderr
        assert handler.copies() == {fsc: 2, logs: 2, protection: 1, panjshir: 1, baghlan: 1}
    ledger = issued / "send-ledger.sqlite"
    assert oct(ledger.stat().st_mode & 0o777) == "0o600"


def test_a_list_selects_its_members_once(issued: Path):
    with SmtpTestServer() as server:
        run = sitrep_in_process(issued, "send", "--list", "baghlan", "--list", "cluster-leads",
                     SITREP_SMTP_URL=server.url())  # fmt: skip
        assert run.returncode == 0, run.stderr
        assert sorted(server.handler.recipients()) == sorted(ACTIVE - {"panjshir.team@example.org"})
    unknown = sitrep_in_process(issued, "send", "--list", "nobody")
    assert unknown.returncode == 1 and "nobody" in unknown.stderr


def test_starttls_and_auth_with_the_password_from_the_environment(issued: Path):
    password = "s3cret-Pa55-word"
    with SmtpTestServer(tls="starttls", require_starttls=True, auth=("imo", password),
                        auth_required=True) as server:  # fmt: skip
        run = run_sitrep(
            issued,
            "--debug",
            "send",
            SITREP_SMTP_URL=server.url("smtp+starttls", user="imo"),
            SITREP_SMTP_PASSWORD=password,
            SSL_CERT_FILE=str(certificate()[0]),
        )
        assert run.returncode == 0, run.stderr
        assert len(server.handler.received) == 5
        assert all(r.tls and r.login == "imo" for r in server.handler.received)
    for ledger in issued.glob("send-ledger.sqlite*"):  # as if never sent: it must log in
        ledger.unlink()
    with SmtpTestServer(tls="starttls", auth=("imo", password), auth_required=True) as server:
        wrong = run_sitrep(
            issued,
            "send",
            SITREP_SMTP_URL=server.url("smtp", user="imo"),
            SITREP_SMTP_PASSWORD="wrong-" + password,
            SSL_CERT_FILE=str(certificate()[0]),
        )
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    for output in (run.stdout, run.stderr, wrong.stdout, wrong.stderr):
        assert password not in output
    for path in issued.rglob("*"):
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path


@pytest.mark.parametrize("text, problem", [
    ("Needs: TBC", "leftover placeholder 'TBC'"),
    ("[insert figures here]", "leftover placeholder"),
])  # fmt: skip
def test_the_pre_send_check_refuses_placeholders_unless_skipped(quick, text, problem):
    workspace = quick  # the narrative is checked, not the tables
    narrative = workspace / "inputs/narrative/2021-08-24.md"
    narrative.write_text(narrative.read_text() + f"\n{text}\n")
    refused = sitrep_in_process(workspace, "send")
    assert refused.returncode == 1
    assert "not fit to send" in refused.stderr and problem in refused.stderr
    assert not (workspace / "output/2021-08-24/outbox").exists()
    sent = sitrep_in_process(workspace, "send", "--skip-checks")
    assert sent.returncode == 0, sent.stderr


def test_the_pre_send_check_refuses_a_report_without_highlights(quick: Path):
    workspace = quick
    narrative = workspace / "inputs/narrative/2021-08-24.md"
    narrative.write_text(narrative.read_text().replace("# Highlights", "# Notes"))
    refused = sitrep_in_process(workspace, "send")
    assert refused.returncode == 1 and "Highlights section is empty" in refused.stderr


def test_validate_refuses_unsafe_characters_in_partners_with_the_row(workspace: Path):
    (workspace / "p.csv").write_bytes(
        "name,email,organisation,lists\n"
        "Ann,ann@example.org,NGO,WASH\n"
        "Bo\x00b,bo@example.org,NGO,WASH\n"
        "Dup,dup\u200b@example.org,NGO,WASH\n"
        "Cy\u2060,cy@example.org,NGO,WASH\n".encode()
    )
    run = sitrep_in_process(workspace, "validate", "--input", f"partners={workspace / 'p.csv'}")
    assert run.returncode == 0  # warnings: errors of `send`, for those partners
    lines = run.stdout.splitlines()
    assert any('row 3, column "name"' in line for line in lines), run.stdout
    assert any('row 4, column "email"' in line and "U+200B" in line for line in lines)
    assert any('row 5, column "name"' in line and "U+2060" in line for line in lines)
