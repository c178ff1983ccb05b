"""The preview reads every request body (or refuses it) and closes after any error answer.

A request hidden inside another's body must never be answered: with keep-alive, a server that
does not read bodies would parse the body as the next request, past the Host check of the
outer one (issue 12, item 8). Raw sockets, so that exactly these bytes are sent.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest

from sitrep.preview import PreviewOptions, start_preview
from sitrep.preview.server import MAX_BODY
from sitrep.report import build_report
from tests.conftest import copy_workspace


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory):
    ws = copy_workspace(tmp_path_factory.mktemp("requests") / "ws")
    with start_preview(PreviewOptions(ws, port=0), build_report) as running:
        yield running


def address(preview) -> tuple[str, int, str]:
    url = urlsplit(preview.server.url)
    return url.hostname, url.port, url.netloc


def exchange(preview, data: bytes) -> bytes:
    """Everything the server sends back for `data`, until it closes the connection."""
    host, port, _ = address(preview)
    with socket.create_connection((host, port), timeout=60) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def inner(netloc: str) -> bytes:
    """The hidden request: the report's JSON, with a Host the server accepts."""
    return f"GET /api/report?date=latest HTTP/1.1\r\nHost: {netloc}\r\n\r\n".encode()


def statuses(received: bytes) -> list[str]:
    return [
        line.split(b" ")[1].decode() for line in received.split(b"\r\n") if line[:7] == b"HTTP/1."
    ]


def test_a_request_inside_a_refused_posts_body_is_never_answered(preview):
    _, _, netloc = address(preview)
    body = inner(netloc)
    outer = (
        f"POST /api/build?date=2021-08-24 HTTP/1.1\r\nHost: attacker.example\r\n"
        f"Connection: keep-alive\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    received = exchange(preview, outer + body + inner(netloc))
    assert statuses(received) == ["421"]  # then closed: neither request after it is answered
    assert b"Connection: close" in received
    assert b'"content"' not in received and b"problems" not in received


def test_a_request_inside_a_gets_body_is_discarded(preview):
    _, _, netloc = address(preview)
    body = inner(netloc)
    first = (
        f"GET /favicon.ico HTTP/1.1\r\nHost: {netloc}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    last = f"GET /favicon.ico HTTP/1.1\r\nHost: {netloc}\r\nConnection: close\r\n\r\n".encode()
    received = exchange(preview, first + body + last)
    # the body was read as a body: the next request answered is the second favicon
    assert statuses(received) == ["204", "204"]
    assert b"application/json" not in received


def test_an_error_answer_closes_the_connection(preview):
    _, _, netloc = address(preview)
    request = f"GET /nothing-here HTTP/1.1\r\nHost: {netloc}\r\n\r\n".encode()
    received = exchange(preview, request + inner(netloc))
    assert statuses(received) == ["404"]


def test_a_body_larger_than_the_cap_is_refused(preview):
    _, _, netloc = address(preview)
    head = (
        f"POST /api/build HTTP/1.1\r\nHost: {netloc}\r\nContent-Length: {MAX_BODY + 1}\r\n\r\n"
    ).encode()
    received = exchange(preview, head + inner(netloc))
    assert statuses(received) == ["413"]


@pytest.mark.parametrize("length", ["-1", "12abc", "1e3", "5, 6"])
def test_an_unclear_length_is_refused(preview, length):
    _, _, netloc = address(preview)
    head = f"POST /api/build HTTP/1.1\r\nHost: {netloc}\r\nContent-Length: {length}\r\n\r\n"
    received = exchange(preview, head.encode() + inner(netloc))
    assert statuses(received) == ["400"]


def test_two_different_lengths_are_refused(preview):
    _, _, netloc = address(preview)
    head = (
        f"POST /api/build HTTP/1.1\r\nHost: {netloc}\r\nContent-Length: 0\r\n"
        f"Content-Length: 52\r\n\r\n"
    )
    received = exchange(preview, head.encode() + inner(netloc))
    assert statuses(received) == ["400"]


def test_a_chunked_body_is_refused(preview):
    _, _, netloc = address(preview)
    body = inner(netloc)
    chunked = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    head = f"POST /api/build HTTP/1.1\r\nHost: {netloc}\r\nTransfer-Encoding: chunked\r\n\r\n"
    received = exchange(preview, head.encode() + chunked + inner(netloc))
    assert statuses(received) == ["501"]
