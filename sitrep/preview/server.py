"""The preview's web server: the report page, its live updates, and nothing else.

Routes (every other path is a 404; there is no directory listing and no file lookup by path):

    GET  /                      the report for the latest date in the data
    GET  /report/YYYY-MM-DD     the report for a date
    GET  /events?date=D         server-sent events: a new render (or new problems) of D
    GET  /api/report?date=D     that render, as JSON, for the page to swap in
    POST /api/build?date=D      `sitrep build --date D` (&revise=1: --revise); the PDF's link
    GET  /built/D/NAME          a PDF this preview built, or its HTML edition
    GET  /_preview/NAME         the page's own script and stylesheet (a fixed list)

Served on 127.0.0.1 by default. Requests must name this server in `Host` (a web page elsewhere
cannot reach it by DNS rebinding); a build must carry the page's token in a header (another
site cannot trigger one). Every response forbids remote resources by Content-Security-Policy.
Every request's body is read and discarded (at most `MAX_BODY` bytes; larger, chunked or
unclear: an error), and every error answer closes the connection, so nothing sent inside a
body is ever taken for a request of its own.
The standard library's server is enough for one user's pages on loopback: no new dependency.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import logging
import re
import secrets
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sitrep.errors import ReportExistsError, SitrepError, ValidationFailed
from sitrep.preview.live import Key, LiveReports, Snapshot, problem_json
from sitrep.preview.page import render_page
from sitrep.render.catalogue import workspace_wording

LOG = logging.getLogger("sitrep.preview")
ASSETS = {"preview.js": "text/javascript", "preview.css": "text/css"}
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src data:; connect-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
KEEPALIVE_S = 15.0
# How soon a page whose event stream broke (`sitrep preview` stopped, started again) tries it
# again: a second, not the browsers' default of three; asking a local server is cheap.
RETRY_MS = 1000
DATE_PATH = re.compile(r"/report/(\d{4}-\d{2}-\d{2})")
BUILT_PATH = re.compile(r"/built/(\d{4}-\d{2}-\d{2})/([A-Za-z0-9._-]+\.(?:pdf|html))")
BUILT_TYPES = {".pdf": "application/pdf", ".html": "text/html; charset=utf-8"}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
MAX_BODY = 64 * 1024  # a request body is read (and discarded) up to this; larger: 413
LENGTH = re.compile(r"[0-9]{1,12}")


def parse_key(value: str | None) -> Key:
    """'latest' (or nothing) -> None; an ISO date -> that date; anything else: ValueError."""
    if value in (None, "", "latest"):
        return None
    return dt.date.fromisoformat(value)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream must not keep the process alive
    block_on_close = False

    def __init__(self, address: tuple[str, int], live: LiveReports) -> None:
        super().__init__(address, PreviewHandler)
        self.live = live
        self.token = secrets.token_urlsafe(24)
        self.instance = secrets.token_hex(8)  # a page from an earlier run reloads
        # the files this preview built, by URL: (date, file name), BUILT_PATH's groups
        self.built: dict[tuple[str, ...], Path] = {}
        host, port = self.server_address[:2]
        assert isinstance(host, str)  # an AF_INET or AF_INET6 address: (host, port, ...)
        self.url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
        names = LOOPBACK | {host}
        self.hosts: set[str] | None = (
            {f"{n}:{port}" for n in names} | {f"[{n}]:{port}" for n in names if ":" in n}
            if host in LOOPBACK
            else None  # told to listen beyond loopback: any name the network uses
        )

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A page that went away mid-request is not an error; anything else is logged."""
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return
        LOG.exception("error while answering %s", client_address)

    def page(self, snap: Snapshot) -> bytes:
        return render_page(snap, self.token, self.instance).encode("utf-8")


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "sitrep-preview"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 60  # seconds a client may take to send a request or its body

    # --- routing ---------------------------------------------------------------------------------

    def do_GET(self) -> None:
        if not (self._body_read() and self._host_ok()):
            return
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        path = url.path
        try:
            if path == "/":
                self._page(None)
            elif match := DATE_PATH.fullmatch(path):
                self._page(parse_key(match.group(1)))
            elif path == "/events":
                self._events(parse_key(_one(query, "date")))
            elif path == "/api/report":
                snap = self.server.live.snapshot(parse_key(_one(query, "date")))
                self._json(snap.as_json())
            elif (match := BUILT_PATH.fullmatch(path)) and match.groups() in self.server.built:
                self._built(self.server.built[match.groups()])
            elif path.startswith("/_preview/") and path[10:] in ASSETS:
                self._asset(path[10:])
            elif path == "/favicon.ico":
                self._send(HTTPStatus.NO_CONTENT, "image/x-icon", b"")
            else:
                self._error(HTTPStatus.NOT_FOUND, "Not found")
        except ValueError:
            self._error(HTTPStatus.NOT_FOUND, "Not found: no such date")

    def do_HEAD(self) -> None:
        if self._body_read():
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, "Use GET")

    def do_POST(self) -> None:
        if not (self._body_read() and self._host_ok()):
            return
        url = urlsplit(self.path)
        token = self.headers.get("X-Sitrep-Token", "")
        if url.path != "/api/build":
            self._error(HTTPStatus.NOT_FOUND, "Not found")
        elif not hmac.compare_digest(token.encode(), self.server.token.encode()):
            self._error(HTTPStatus.FORBIDDEN, "Only the preview page may build a report")
        else:
            query = parse_qs(url.query)
            try:
                day = parse_key(_one(query, "date"))
            except ValueError:
                day = None
            if day is None:
                self._error(HTTPStatus.BAD_REQUEST, "Give the date: /api/build?date=YYYY-MM-DD")
            else:
                self._build(day, revise=_one(query, "revise") == "1")

    def do_PUT(self) -> None:
        if self._body_read():
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, "Not allowed")

    do_DELETE = do_PATCH = do_OPTIONS = do_PUT

    # --- answers ---------------------------------------------------------------------------------

    def _body_read(self) -> bool:
        """The request's body read and discarded; False (answered, closing) if it cannot be."""
        if self.headers.get("Transfer-Encoding", "").strip():
            self._error(HTTPStatus.NOT_IMPLEMENTED, "Request bodies must have a Content-Length")
            return False
        lengths = {v.strip() for v in self.headers.get_all("Content-Length") or []}
        if not lengths:
            return True
        if len(lengths) > 1 or not LENGTH.fullmatch(length := lengths.pop()):
            self._error(HTTPStatus.BAD_REQUEST, "Bad Content-Length")
            return False
        left = int(length)
        if left > MAX_BODY:
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"A body is {MAX_BODY} bytes at most")
            return False
        while left > 0:
            chunk = self.rfile.read(min(left, MAX_BODY))
            if not chunk:  # the client went away mid-body
                self.close_connection = True
                return False
            left -= len(chunk)
        return True

    def _host_ok(self) -> bool:
        allowed = self.server.hosts
        if allowed is None or self.headers.get("Host", "") in allowed:
            return True
        self._error(HTTPStatus.MISDIRECTED_REQUEST, "This server answers to its own address only")
        return False

    def _page(self, key: Key) -> None:
        page = self.server.page(self.server.live.snapshot(key))
        self._send(HTTPStatus.OK, "text/html; charset=utf-8", page)

    def _json(self, data: Any, status: HTTPStatus = HTTPStatus.OK) -> None:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self._send(status, "application/json", body)

    def _asset(self, name: str) -> None:
        data = resources.files("sitrep.preview").joinpath("assets", name).read_bytes()
        self._send(HTTPStatus.OK, f"{ASSETS[name]}; charset=utf-8", data)

    def _built(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except OSError:
            self._error(HTTPStatus.NOT_FOUND, "That file is no longer there")
            return
        extra = {"Content-Disposition": f'inline; filename="{path.name}"'}
        self._send(HTTPStatus.OK, BUILT_TYPES[path.suffix], data, extra)

    def _build(self, day: dt.date, revise: bool) -> None:
        live = self.server.live
        try:
            result = live.build_pdf(day, revise)
        except ValidationFailed as exc:
            wording = workspace_wording(live.workspace)  # in the workspace's language
            problems = [problem_json(p, wording) for p in exc.problems]
            self._json({"ok": False, "error": str(exc), "problems": problems})
            return
        except ReportExistsError as exc:  # the page offers the revision, when one would do
            revisable = exc.revisable and not revise
            self._json({"ok": False, "error": str(exc), "problems": [], "revisable": revisable})
            return
        except SitrepError as exc:
            self._json({"ok": False, "error": str(exc), "problems": []})
            return
        except Exception as exc:  # a bug: said on the page and in the log
            LOG.exception("internal error while building")
            self._json({"ok": False, "error": f"internal error: {exc!r}", "problems": []})
            return
        day_ = result.date.isoformat()
        for path in (result.pdf, result.html):
            self.server.built[(day_, path.name)] = path
        LOG.info("built %s", result.pdf)
        self._json(
            {
                "ok": True,
                "url": f"/built/{day_}/{result.pdf.name}",
                "edition": f"/built/{day_}/{result.html.name}",
                "name": result.pdf.name,
                "path": str(result.pdf),
                "number": result.number,
                "revision": result.revision,
                "reused": result.reused,
            }
        )

    def _events(self, key: Key) -> None:
        """Server-sent events: one `state` event per render of `key`, until the page goes."""
        live = self.server.live
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.send_header("Content-Security-Policy", POLICY)
        self.end_headers()
        self.close_connection = True
        live.watching(key, +1)
        try:
            seen = -1
            live.snapshot(key)  # rendered now if this is the first page to ask
            while not live.closed:
                snap = live.wait(key, seen, KEEPALIVE_S)
                if snap is None:
                    self.wfile.write(b": still here\n\n")
                else:
                    seen = snap.version
                    state = {
                        "version": snap.version,
                        "errors": snap.errors,
                        "instance": self.server.instance,
                    }
                    event = f"event: state\ndata: {json.dumps(state)}\nretry: {RETRY_MS}\n\n"
                    self.wfile.write(event.encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the page closed
        finally:
            live.watching(key, -1)

    def _error(self, status: HTTPStatus, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", f"{message}\n".encode())

    def _send(
        self, status: HTTPStatus, kind: str, body: bytes, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        if status >= 400:  # whatever followed this request on the connection is not read
            self.close_connection = True
            self.send_header("Connection", "close")
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        LOG.debug("%s %s", self.address_string(), format % args)


def _one(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None
