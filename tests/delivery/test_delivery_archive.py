"""Delivery that fits the archive: `sitrep send` to the real SMTP server of tests/smtp_server.py,
each partner's link the path `sitrep publish` gives the PDF (`report_url`'s fields, or
`[publish] base_url` by default), `Auto-Submitted` on every message, the logo inline in the HTML
body and never an attachment; `validate` refuses a field sitrep does not fill.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.delivery.conftest import sitrep_in_process
from tests.smtp_server import SmtpTestServer

# `sitrep` runs in this process (sitrep_in_process): what it sends, writes and says is tested
# here, not the process, which would import pandas and WeasyPrint again for each command.
LINK = "protection@example.org"  # the sample's partner who prefers a link
pytestmark = [
    pytest.mark.slow,  # each test builds a report
    pytest.mark.filterwarnings("ignore:Session.login_data is deprecated"),
]


def _settings(workspace: Path, email: str = "", publish: str = "") -> None:
    settings = workspace / "sitrep.toml"
    text = settings.read_text("utf-8").replace("[email]\n", "[email]\n" + email, 1)
    settings.write_text(text + (f"\n[publish]\n{publish}" if publish else ""), "utf-8")


def _send(workspace: Path) -> dict:
    with SmtpTestServer() as server:
        run = sitrep_in_process(workspace, "send", SITREP_SMTP_URL=server.url())
        assert run.returncode == 0, run.stderr
        return {r.rcpt_tos[0]: r.message for r in server.handler.received}


def test_report_url_fields_auto_submitted_and_an_inline_logo(issued: Path):
    url = "https://reports.example.org/{date}/no{number}-r{revision}/{lang}/{file}"
    _settings(issued, f'report_url = "{url}"\n')
    messages = _send(issued)
    assert len(messages) == 5
    pdf = next((issued / "output/2021-08-24").glob("*.pdf"))
    link = f"https://reports.example.org/2021-08-24/no10-r0/en/{pdf.name}"
    assert link in messages[LINK].get_body(("plain",)).get_content()
    assert f'href="{link}"' in messages[LINK].get_body(("html",)).get_content()
    assert not list(messages[LINK].iter_attachments())  # the link, not the PDF
    for address, message in messages.items():
        assert message["Auto-Submitted"] == "auto-generated"  # RFC 3834: no out-of-office replies
        (logo,) = [p for p in message.walk() if p.get_content_maintype() == "image"]
        assert logo.get_content_disposition() == "inline" and logo.get_filename() is None
        related = next(p for p in message.walk() if p.get_content_type() == "multipart/related")
        assert logo in related.get_payload()  # a part of the HTML body
        attached = [p.get_filename() for p in message.iter_attachments()]
        assert attached == ([] if address == LINK else [pdf.name])  # the logo is not one


def test_the_default_link_is_where_publish_puts_the_pdf(issued: Path, tmp_path: Path):
    site = tmp_path / "site"
    _settings(issued, publish=f'folder = "{site}"\nbase_url = "https://example.org/sitreps/"\n')
    messages = _send(issued)
    text = messages[LINK].get_body(("plain",)).get_content()
    (link,) = re.findall(r"https://example\.org/sitreps/\S+\.pdf", text)
    published = sitrep_in_process(issued, "publish")
    assert published.returncode == 0, published.stderr
    path = site / link.removeprefix("https://example.org/sitreps/")
    pdf = next((issued / "output/2021-08-24").glob("*.pdf"))
    assert path.read_bytes() == pdf.read_bytes()  # the partner's link opens the published PDF
    assert link == f"https://example.org/sitreps/2021-08-24/{pdf.name}"


@pytest.mark.parametrize("url, field", [
    ("https://reports.example.org/{day}/{file}", "{day}"),
    ("https://reports.example.org/{file.__class__}", "{file.__class__}"),
    ("https://reports.example.org/{0}", "{0}"),
])  # fmt: skip
def test_validate_refuses_a_field_sitrep_does_not_fill(workspace: Path, url: str, field: str):
    _settings(workspace, f'report_url = "{url}"\n')
    run = sitrep_in_process(workspace, "validate")
    assert run.returncode == 1
    said = run.stdout + run.stderr
    assert "email.report_url" in said and field in said, said
    assert "{date}, {number}, {revision}, {lang}, {file}" in said
    assert "Internal error" not in said


def test_a_bad_partner_address_stops_no_build_and_only_that_partner_is_not_sent(quick: Path):
    workspace = quick  # the partners, not the report's tables
    partners = workspace / "partners.csv"
    partners.write_text(
        "name,email,organisation,lists\n"
        "Ann,ann@example.org,NGO,WASH\n"
        "Bob,not-an-address,NGO,WASH\n"
        "Ann again,ANN@Example.org,NGO,WASH\n"
        "Cy,cy@example.org,NGO,WASH\n",
        "utf-8",
    )
    given = ("--input", f"partners={partners}")
    built = sitrep_in_process(workspace, "build", *given)
    assert built.returncode == 0, built.stdout + built.stderr  # the report is not who gets it
    assert next((workspace / "output/2021-08-24").glob("*.pdf")).is_file()
    assert "row 3" in built.stdout + built.stderr and "will not send" in built.stdout + built.stderr
    with SmtpTestServer() as server:
        sent = sitrep_in_process(workspace, "send", *given, SITREP_SMTP_URL=server.url())
        assert sorted(server.handler.recipients()) == ["ann@example.org", "cy@example.org"]
    assert sent.returncode == 1, sent.stderr  # an error of this send, for those two partners
    assert "2 sent" in sent.stdout and "2 failed permanent" in sent.stdout
    assert "row 3" in sent.stdout and "'not-an-address'" in sent.stdout
    assert "row 4" in sent.stdout and "duplicate" in sent.stdout
