"""sitrep.pdf.fetcher: WeasyPrint reads the templates' own assets and nothing else, and says so.

Unit tests of the fetcher object (no layout): every URL outside the asset roots is refused,
logged and recorded, and no socket is ever opened. The full renderer is exercised in
test_security_e2e.py.
"""

from __future__ import annotations

import logging
import socket

import pytest

from sitrep.pdf.fetcher import FetchRefused, make_fetcher
from sitrep.render.assets import ASSET_BASE

pytestmark = pytest.mark.slow  # imports WeasyPrint (it starts ldconfig, gcc): not in make test-fast

SECRET = "canary-secret-7f3a9c"


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection is recorded and fails."""
    attempts: list[object] = []

    def refuse(self, address, *args, **kwargs):
        attempts.append(address)
        raise OSError("network use in a test that forbids it")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


@pytest.fixture
def roots(tmp_path):
    """An asset folder, a generated-files folder, and a secret file outside both."""
    assets = tmp_path / "templates"
    (assets / "fonts").mkdir(parents=True)
    (assets / "style.css").write_text("p { color: black }")
    (assets / "fonts" / "a b.ttf").write_bytes(b"font")
    generated = tmp_path / "generated"
    generated.mkdir()
    (generated / "chart.svg").write_text("<svg/>")
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(SECRET)
    (assets / "link-out.css").symlink_to(secret)
    return assets, generated, secret


def test_serves_assets_from_every_root(roots):
    assets, generated, _ = roots
    fetcher = make_fetcher([assets, generated])
    assert fetcher.fetch(ASSET_BASE + "style.css").read() == b"p { color: black }"
    assert fetcher.fetch(ASSET_BASE + "fonts/a%20b.ttf").read() == b"font"
    assert fetcher.fetch(ASSET_BASE + "chart.svg?x=1#y").read() == b"<svg/>"
    assert fetcher.refused == []


def refused_urls(secret) -> list[str]:
    return [
        "file:///etc/passwd",
        f"file://{secret}",
        f"file://localhost{secret}",
        "http://127.0.0.1:9/canary",
        "https://169.254.169.254/latest/meta-data/",
        "ftp://127.0.0.1/x",
        "data:text/css,p{color:red}",
        "FILE:///sitrep-assets/style.css",  # only the exact virtual folder is served
        ASSET_BASE + "../../etc/passwd",
        ASSET_BASE + "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        ASSET_BASE + "..%2f..%2f..%2fetc%2fpasswd",
        ASSET_BASE + "/etc/passwd",
        ASSET_BASE + "%2fetc%2fpasswd",
        ASSET_BASE + "style.css%00.png",
        ASSET_BASE + "link-out.css",  # a symbolic link out of the folder
        ASSET_BASE + "fonts",  # a folder
        ASSET_BASE,
        ASSET_BASE + "missing.png",
    ]


def test_refuses_everything_else_and_logs_it(roots, no_network, caplog):
    assets, generated, secret = roots
    fetcher = make_fetcher([assets, generated])
    urls = refused_urls(secret)
    with caplog.at_level(logging.WARNING, logger="sitrep.pdf.fetcher"):
        for url in urls:
            with pytest.raises(FetchRefused):
                fetcher.fetch(url)
    assert fetcher.refused == urls
    assert len(caplog.records) == len(urls)
    assert all("refused to fetch" in r.getMessage() for r in caplog.records)
    assert no_network == []


def test_urllib_entry_points_are_closed_too(roots, no_network):
    fetcher = make_fetcher([roots[0]])
    with pytest.raises(FetchRefused):
        fetcher.open("http://127.0.0.1:9/canary")
    with pytest.raises(FetchRefused):
        fetcher("file:///etc/passwd")
    assert no_network == []


def test_an_oversized_asset_is_refused(roots):
    assets, _, _ = roots
    (assets / "huge.png").write_bytes(b"\0" * 2048)
    fetcher = make_fetcher([assets], max_bytes=1024)
    with pytest.raises(FetchRefused):
        fetcher.fetch(ASSET_BASE + "huge.png")
    assert fetcher.refused == [ASSET_BASE + "huge.png"]


def test_a_logged_url_is_quoted_and_shortened(roots, caplog):
    fetcher = make_fetcher([roots[0]])
    url = "http://x/\nFAKE LOG LINE" + "a" * 1000
    with caplog.at_level(logging.WARNING, logger="sitrep.pdf.fetcher"), pytest.raises(FetchRefused):
        fetcher.fetch(url)
    message = caplog.records[0].getMessage()
    assert "\n" not in message
    assert len(message) < 400
