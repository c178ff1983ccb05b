"""sitrep.safety: formula neutralisation, link checks and secret redaction, one rule at a time."""

from __future__ import annotations

import base64
import csv
import io

import pytest

from sitrep.safety.formulas import csv_bytes, neutralise_cell, neutralise_rows
from sitrep.safety.links import is_allowed_link
from sitrep.safety.secrets import format_exception_redacted, redact, secret_forms

FORMULAS = [
    '=HYPERLINK("http://127.0.0.1/","x")',
    "=1+1",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",  # importers that trim spaces
    "\uff1d1+1",  # full-width equals sign
    "-",
    "+93 700 000 001",
]


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_cells_become_text(value):
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    ["", "Andarab valley", "a=b", "R&D", "'already quoted", "-12", "+3.5", "-.5", "12.", None],
)
def test_harmless_text_and_plain_numbers_are_unchanged(value):
    assert neutralise_cell(value) == value


@pytest.mark.parametrize("value", [-12, 3.5, 0, True])
def test_non_text_values_are_unchanged(value):
    assert neutralise_cell(value) is value


def test_rows_and_csv_bytes_neutralise_every_cell_headers_included():
    rows = neutralise_rows([["=h", "ok"], ["@x", 5]])
    assert rows == [["'=h", "ok"], ["'@x", 5]]
    data = csv_bytes(["=header", "b"], [['=HYPERLINK("http://x")', "-1"], ["+1 2", "plain"]])
    assert data.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert parsed == [["'=header", "b"], ['\'=HYPERLINK("http://x")', "-1"], ["'+1 2", "plain"]]


@pytest.mark.parametrize(
    "url",
    ["http://example.org/", "https://www.unocha.org/a?b=c#d", "HTTPS://X.ORG", "mailto:a@b.org"],
)
def test_allowed_links(url):
    assert is_allowed_link(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "java\tscript:alert(1)",
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "data:text/html;base64,AAAA",
        "ftp://example.org/",
        "/etc/passwd",
        "../../etc/passwd",
        "//169.254.169.254/latest",
        "#anchor",
        "http:///nohost",
        "http://[::1",
        "mailto:",
        "vbscript:x",
        "",
    ],
)
def test_refused_links(url):
    assert not is_allowed_link(url)


PASSWORD = "s3cr:et/p@ss w0rd"


def test_secret_forms_cover_smtp_auth_encodings():
    forms = secret_forms(PASSWORD, "imo")
    assert PASSWORD in forms
    assert "s3cr%3Aet%2Fp%40ss%20w0rd" in forms
    assert base64.b64encode(PASSWORD.encode()).decode() in forms
    assert base64.b64encode(b"\0imo\0" + PASSWORD.encode()).decode() in forms
    assert secret_forms(None) == set() and secret_forms("") == set()


def test_redact_replaces_every_form():
    forms = secret_forms(PASSWORD, "imo")
    text = " | ".join(sorted(forms))
    cleaned = redact(text, forms)
    assert all(form not in cleaned for form in forms)
    assert "***" in cleaned


def test_redacted_traceback_keeps_the_story_not_the_secret():
    try:
        raise RuntimeError(f"login failed for imo:{PASSWORD}@relay")
    except RuntimeError as exc:
        text = format_exception_redacted(exc, secret_forms(PASSWORD))
    assert PASSWORD not in text
    assert "RuntimeError: login failed for imo:***@relay" in text
    assert "Traceback" in text


def test_format_message_fills_plain_placeholders():
    from sitrep.safety.placeholders import format_message

    assert format_message("No. {n} of {d}", {"n": 3, "d": "24 Aug"}) == "No. 3 of 24 Aug"
    assert format_message("{n:,} people {{braces}}", {"n": 1200}) == "1,200 people {braces}"
    assert format_message("{s!r}", {"s": "x"}) == "'x'"
    with pytest.raises(KeyError):
        format_message("{missing}", {})


@pytest.mark.parametrize(
    "message",
    [
        "{v.__class__}",
        "{v.__html_format__.__globals__[t].sys.modules[os].environ[SITREP_SMTP_PASSWORD]}",
        "{v[0]}",
        "{0}",
        "{}",
        "{v:{w}}",
    ],
)
def test_format_message_refuses_reaching_into_values(message):
    from markupsafe import Markup

    from sitrep.safety.placeholders import UnsafePlaceholder, format_message

    with pytest.raises(UnsafePlaceholder):
        format_message(message, {"v": Markup("x"), "w": "10"})
