"""`sitrep preview` over HTTP: what it serves, what it refuses, and what it watches."""

from __future__ import annotations

import html
import http.client
import json
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sitrep.errors import PreviewError, SitrepError
from sitrep.preview import PreviewOptions, start_preview
from sitrep.preview.watch import watch_targets
from sitrep.report import build_report
from tests.conftest import copy_workspace, quicken
from tests.preview_helpers import set_cell


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory):
    """A preview of a copy of the sample, on a free port; read-only tests share it."""
    ws = copy_workspace(tmp_path_factory.mktemp("preview") / "ws")
    with start_preview(PreviewOptions(ws, port=0), build_report) as running:
        yield running


def request(preview, method: str, path: str, headers: dict | None = None):
    """(status, headers, body) of one raw request: the path is sent exactly as given."""
    url = urlsplit(preview.server.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        all_headers = {"Host": url.netloc, **(headers or {})}
        for name, value in all_headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_page_is_the_report_with_its_toolbar(preview):
    status, headers, body = request(preview, "GET", "/")
    page = body.decode()
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    assert "Situation Report No. 10" in page
    assert 'id="sitrep-toolbar"' in page and 'id="sitrep-problems"' in page
    assert "Illustrative" in page  # the sample says so, in the page too
    # the same markup as the HTML edition: fonts inline, subset
    assert "data:font/ttf;base64," in page


def test_every_response_forbids_remote_resources(preview):
    for path in ("/", "/api/report?date=latest", "/_preview/preview.js", "/nowhere"):
        _, headers, _ = request(preview, "GET", path)
        policy = headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy
        assert "script-src 'self'" in policy and "connect-src 'self'" in policy
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_page_loads_nothing_from_elsewhere(preview):
    _, _, body = request(preview, "GET", "/")
    page = body.decode()
    resources = re.findall(r'(?:src|href)="([^"]*)"', page) + re.findall(r"url\(([^)]*)\)", page)
    loaded = [r for r in resources if r and not r.startswith(("data:", "/_preview/", "#"))]
    # links in the narrative may point anywhere, contacts are mailto/tel, the edition links its
    # PDF: they are <a>, not loaded resources
    assert all(
        (r.startswith(("http://", "https://", "mailto:", "tel:")) or r.endswith(".pdf"))
        and re.search(rf'<a [^>]*href="{re.escape(r)}"', page)
        for r in loaded
    ), loaded


@pytest.mark.parametrize(
    "path",
    [
        "/../sitrep.toml",
        "/%2e%2e/sitrep.toml",
        "/report/../../sitrep.toml",
        "/_preview/../live.py",
        "/_preview/%2e%2e/live.py",
        "/_preview/page.html",  # the page's template is not an asset
        "/_preview/",
        "/inputs/",
        "/inputs/sample-data.xlsx",
        "/output/",
        "/templates/style.css",
        "/sitrep.toml",
        "/built/2021-08-24/afg-northeast_sitrep_2021-08-24_no10.pdf",  # not built by the preview
        "/built/2021-08-24/afg-northeast_sitrep_2021-08-24_no10.html",
        "/pdf/2021-08-24/afg-northeast_sitrep_2021-08-24_no10.pdf",
        "/built/2021-08-24/..%2f..%2fsitrep.toml",
        "/report/2021-13-45",
        "/api/report?date=yesterday",
        "/events?date=../../etc",
    ],
)
def test_nothing_but_the_report_is_served(preview, path):
    status, _, body = request(preview, "GET", path)
    assert status == 404, (path, body[:200])
    assert b"[report]" not in body and b"PK" not in body[:2]


def test_other_hosts_are_refused(preview):
    """A page on another site that rebinds its DNS name to 127.0.0.1 gets nothing."""
    status, _, body = request(preview, "GET", "/", {"Host": "attacker.example:80"})
    assert status == 421
    assert b"Situation Report" not in body


def test_build_needs_the_pages_token(preview):
    for headers in ({}, {"X-Sitrep-Token": "guess"}):
        status, _, _ = request(preview, "POST", "/api/build?date=2021-08-24", headers)
        assert status == 403
    assert not (preview.options.workspace / "output").exists()  # nothing was built


def test_methods_other_than_get_and_post_are_refused(preview):
    for method in ("PUT", "DELETE", "OPTIONS", "HEAD"):
        status, _, _ = request(preview, method, "/")
        assert status == 405


def test_report_json_lists_the_dates_in_the_data(preview):
    status, _, body = request(preview, "GET", "/api/report?date=latest")
    state = json.loads(body)
    assert status == 200 and state["errors"] == 0
    assert state["dates"][0] == "2021-08-24" and state["dates"][-1] == "2021-08-15"
    assert state["content"]["day"] == "2021-08-24" and state["content"]["number"] == 10
    assert not state["content"]["issued"]


def test_a_date_of_its_own(preview):
    status, _, body = request(preview, "GET", "/report/2021-08-20")
    page = body.decode()
    assert status == 200
    assert "Situation Report No. 6" in page and "20 August 2021" in page
    assert '<option value="2021-08-20" selected>' in page


def test_a_date_without_data_says_so_in_the_panel(preview):
    status, _, body = request(preview, "GET", "/report/2020-01-01")
    page = body.decode()
    assert status == 200
    assert "no data on or before 2020-01-01" in page
    assert re.search(r'<section id="sitrep-problems"[^>]*>', page).group(0).find("hidden") < 0


def test_events_announce_the_current_render(preview):
    url = urlsplit(preview.server.url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    conn.request("GET", "/events?date=latest")
    response = conn.getresponse()
    assert response.status == 200
    assert response.getheader("Content-Type").startswith("text/event-stream")
    assert response.readline() == b"event: state\n"
    data = json.loads(response.readline().decode().removeprefix("data: "))
    assert data["version"] >= 1 and data["errors"] == 0
    # a page whose stream broke (the preview restarted) tries again after a second, not three
    assert response.readline() == b"retry: 1000\n"
    conn.close()


def test_a_port_in_use_is_a_clear_error(preview):
    port = urlsplit(preview.server.url).port
    with pytest.raises(PreviewError, match=f"port {port} .* is in use.*--port"):
        start_preview(PreviewOptions(preview.options.workspace, port=port), build_report)


def test_not_a_workspace_is_said_before_serving(tmp_path):
    from sitrep.errors import WorkspaceError

    with pytest.raises(WorkspaceError):
        start_preview(PreviewOptions(tmp_path, port=0), build_report)


def test_watched_files_are_the_reports_sources(workspace: Path):
    from sitrep.settings.config import load_config

    config = load_config(workspace)
    targets = watch_targets(workspace, config, {})
    root = workspace.resolve()
    book = root / "inputs" / "sample-data.xlsx"
    assert targets.counts(book)
    assert targets.counts(root / "sitrep.toml")
    assert targets.counts(root / "inputs" / "narrative" / "2021-08-24.md")
    assert targets.counts(root / "templates" / "partials" / "header.html")
    # what spreadsheet programs and editors write while saving, and the reports themselves
    for name in ("~$sample-data.xlsx", ".~lock.sample-data.xlsx#", ".sample-data.xlsx.x1.tmp"):
        assert not targets.counts(root / "inputs" / name), name
    assert not targets.counts(root / "output" / "2021-08-24" / "report.pdf")
    assert not targets.counts(root / "inputs" / "other.xlsx")  # not a table of this workspace
    # folders one level each; never the whole workspace tree (output/, .venv/ live there)
    assert root in targets.folders and root / "inputs" in targets.folders
    assert root / "output" not in targets.folders


def test_watching_follows_the_input_option(workspace: Path, tmp_path: Path):
    from sitrep.settings.config import InputSource, load_config

    elsewhere = tmp_path / "elsewhere" / "routes.csv"
    elsewhere.parent.mkdir()
    elsewhere.write_text("x\n")
    source = InputSource.parse(str(elsewhere), tmp_path)
    targets = watch_targets(workspace, load_config(workspace), {"routes": source})
    assert targets.counts(elsewhere.resolve())
    assert elsewhere.parent.resolve() in targets.folders


@pytest.mark.slow
def test_the_command_serves_until_ctrl_c(quick: Path):
    """`sitrep preview --port 0`: says where, serves the page, stops cleanly on Ctrl+C."""
    workspace = quick  # the process and its signal are the subject, not the tables
    import signal
    import subprocess
    import sys
    import urllib.request

    cmd = [sys.executable, "-m", "sitrep", "-w", str(workspace), "preview", "--port", "0"]
    process = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        with urllib.request.urlopen(url, timeout=60) as response:
            assert "Situation Report No. 10" in response.read().decode()
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Traceback" not in err


def test_the_number_shown_is_the_records(workspace: Path):
    """The preview reserves nothing: it shows the number the record gives, issued or not."""
    from sitrep.issue.record import Issued, save_record
    from sitrep.preview.live import preview_numbering
    from sitrep.settings.config import load_config

    config = load_config(workspace)
    day = __import__("datetime").date
    assert preview_numbering(config)(day(2021, 8, 24)) == (10, 0)
    save_record(
        config.output_dir,
        [Issued("2021-08-20", 6, 1, "a.pdf", "a.html", "x", "fp", "2021-08-20")],
    )
    numbering = preview_numbering(config)
    assert numbering(day(2021, 8, 20)) == (6, 1)  # issued: its number and revision
    assert numbering(day(2021, 8, 24)) == (10, 0)  # its number in the cadence, from No. 6
    assert numbering(day(2021, 8, 18)) == (4, 0)  # before an issued one: back from it
    assert not (config.output_dir / "2021-08-24").exists()


def test_split_document_takes_the_editions_parts():
    from sitrep.preview.live import split_document

    title, lang, styles, body_class, body = split_document(
        '<!DOCTYPE html><html lang="fr"><head><title>A &amp; B</title>'
        '<style>p{}</style><style media="screen">q{}</style></head>'
        '<body class="page-a4 draft"><p>x</p></body></html>'
    )
    assert (title, lang, body_class, body) == ("A & B", "fr", "page-a4 draft", "<p>x</p>")
    assert styles == [("all", "p{}"), ("screen", "q{}")]


def test_split_document_reads_no_comment_as_markup():
    from sitrep.preview.live import split_document

    title, lang, styles, body_class, body = split_document(
        '<!DOCTYPE html><html lang="ar"><head><!-- <title>Draft</title><style>x{}</style> -->'
        '<title>Real</title><style media="print">p{}</style></head>'
        '<body class="rtl"><p>x</p><!-- </body> --></body></html>'
    )
    assert (title, lang, body_class, styles) == ("Real", "ar", "rtl", [("print", "p{}")])
    assert body == "<p>x</p><!-- </body> -->"


def test_live_keeps_the_last_good_render_beneath_the_problems(quick: Path, request):
    """Broken settings or cells: every problem listed, the last good render kept; then fixed."""
    workspace = quick  # four renders of the displacement and the settings: no other table
    from sitrep.preview.live import LiveReports

    live = LiveReports(workspace, build_report)
    live.start()  # the render thread, as the preview runs it: each save renders again
    request.addfinalizer(live.close)

    def after(snap):
        """The render that follows `snap`, once the watcher says a file changed."""
        live.changed()
        later = live.wait(None, snap.version, timeout=120)
        assert later is not None, "no render after the change"
        return later

    good = live.wait(None, 0, timeout=120)
    assert good is not None and good.errors == 0 and good.content is not None
    assert good.content.day.isoformat() == "2021-08-24"

    row, old = set_cell(workspace, "displacement", "People", "lots")
    _, old_families = set_cell(workspace, "displacement", "Families", "many", row)
    broken = after(good)
    assert broken.version > good.version
    assert broken.content == good.content  # still shown, beneath the panel
    cells = {(p["row"], p["value"]) for p in broken.problems if p["severity"] == "error"}
    assert {(row, "lots"), (row, "many")} <= cells  # every problem, not the first
    assert all(p["sheet"] == "displacement" for p in broken.problems if p["row"] == row)

    toml = workspace / "sitrep.toml"
    settings = toml.read_text()
    toml.write_text(settings.replace("household_size", "household_size = 'seven'\n#", 1))
    unreadable = after(broken)
    assert unreadable.errors == 1 and "household_size" in unreadable.problems[0]["message"]
    assert unreadable.content == good.content

    toml.write_text(settings)
    set_cell(workspace, "displacement", "People", old, row)
    set_cell(workspace, "displacement", "Families", old_families, row)
    fixed = after(unreadable)
    assert fixed.errors == 0 and fixed.content.version == fixed.version
    assert fixed.content.body == good.content.body


def test_a_slow_save_in_place_ends_in_the_saved_report(quick: Path):
    """A program that rewrites the file in place, slowly: whatever is read half-way, the
    preview ends on the saved file's report, with no problem left."""
    workspace = quick  # the displacement's total is followed: no other table
    import io
    import time
    import urllib.request

    import openpyxl

    book = workspace / "inputs" / "sample-data.xlsx"
    wb = openpyxl.load_workbook(book)
    sheet = wb["displacement"]
    sheet.cell(17, 8).value = 2050  # D015, People: the total becomes 20,435
    buffer = io.BytesIO()
    wb.save(buffer)
    data = buffer.getvalue()

    def state(url: str) -> dict:
        with urllib.request.urlopen(url + "api/report?date=latest", timeout=60) as response:
            return json.loads(response.read())

    with start_preview(PreviewOptions(workspace, port=0), build_report) as running:
        first = state(running.server.url)
        assert "19,435" in first["content"]["body"]
        with book.open("r+b") as handle:  # in place: truncated, then written in pieces
            handle.truncate(0)
            for start in range(0, len(data), len(data) // 4 + 1):
                handle.write(data[start : start + len(data) // 4 + 1])
                handle.flush()
                time.sleep(0.15)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            now = state(running.server.url)
            if now["errors"] == 0 and "20,435" in now["content"]["body"]:
                break
            time.sleep(0.1)
        assert now["errors"] == 0, now["problems"]
        assert "20,435" in now["content"]["body"]


def test_its_own_names_are_answered(preview):
    port = urlsplit(preview.server.url).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        status, _, _ = request(preview, "GET", "/api/report?date=latest", {"Host": host})
        assert status == 200, host
    for host in ("localhost", f"localhost:{port + 1}", f"127.0.0.1.attacker.example:{port}"):
        status, _, _ = request(preview, "GET", "/api/report?date=latest", {"Host": host})
        assert status == 421, host


@pytest.mark.slow
def test_a_workbook_saved_by_libreoffice_is_followed(quick: Path, tmp_path: Path):
    """LibreOffice writes the workbook (its own xlsx, its own way of saving): the preview shows
    the new figure, from LibreOffice's file."""
    workspace = quick  # the displacement's total is followed: no other table
    import shutil
    import subprocess
    import time
    import urllib.request

    import openpyxl

    office = shutil.which("libreoffice") or shutil.which("soffice")
    assert office, "LibreOffice is missing: run `make test`, which installs it"
    edited = tmp_path / "edit" / "sample-data.xlsx"
    edited.parent.mkdir()
    book = openpyxl.load_workbook(workspace / "inputs" / "sample-data.xlsx")
    book["displacement"].cell(17, 8).value = 2050  # D015, People: the total becomes 20,435
    book.save(edited)

    with start_preview(PreviewOptions(workspace, port=0), build_report) as running:
        url = running.server.url + "api/report?date=latest"
        with urllib.request.urlopen(url, timeout=60) as response:
            assert "19,435" in json.loads(response.read())["content"]["body"]
        profile = (tmp_path / "profile").as_uri()  # its own: no lock on the user's profile
        subprocess.run(
            [office, f"-env:UserInstallation={profile}", "--headless", "--calc",
             "--convert-to", "xlsx", "--outdir", str(workspace / "inputs"), str(edited)],
            capture_output=True, timeout=120, check=True,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with urllib.request.urlopen(url, timeout=60) as response:
                state = json.loads(response.read())
            if state["errors"] == 0 and "20,435" in state["content"]["body"]:
                break
            time.sleep(0.1)
        assert state["errors"] == 0, state["problems"]
        assert "20,435" in state["content"]["body"]


# The toolbar's words in English, as the page wrote them before it took the catalogue's.
ENGLISH_TOOLBAR = (
    "Report date",
    "Latest in the data",
    "Build PDF",
    "(issued)",
    "(not issued yet)",
    "rendered ",
    "warnings</summary>",
    "warning</summary>",
    " errors</span>",
    ">error</span>",
    "The report cannot be built",
    "Fix these in the files and save",
    "Not connected",
    "sitrep preview</span>",
    'aria-label="Preview"',
)


def _localised_preview(tmp_path: Path, locale: str, override: str = ""):
    ws = quicken(copy_workspace(tmp_path / locale))  # the toolbar's words: no table needed
    toml = (ws / "sitrep.toml").read_text().replace('locale = "en"', f'locale = "{locale}"')
    (ws / "sitrep.toml").write_text(toml)
    if override:
        (ws / "templates" / "i18n").mkdir(exist_ok=True)
        (ws / "templates" / "i18n" / f"{locale}.toml").write_text(override, encoding="utf-8")
    return start_preview(PreviewOptions(ws, port=0), build_report)


def _toolbar(page: str) -> str:
    """The page without the report: its toolbar and problem panel."""
    return page.split('<div id="sitrep-report">')[0].split('<div id="sitrep-chrome">', 1)[1]


def test_a_spanish_workspace_has_a_spanish_toolbar(tmp_path: Path) -> None:
    from sitrep.render.html import load_messages
    from sitrep.settings.config import DEFAULT_TEMPLATES

    override = '[preview]\nbuild = "Generar el PDF ahora"\n'
    with _localised_preview(tmp_path, "es", override) as running:
        status, _, body = request(running, "GET", "/")
        state = json.loads(request(running, "GET", "/api/report?date=latest")[2])
    page = body.decode()
    toolbar = _toolbar(page)
    spanish = load_messages([DEFAULT_TEMPLATES], "es")
    assert status == 200 and state["locale"] == "es"
    assert 'lang="es"' in page and 'dir="ltr"' in page
    for key in ("report_date", "latest", "brand", "cannot_build", "fix_hint", "toolbar"):
        assert html.escape(spanish[f"preview.{key}"], quote=True) in toolbar, key
    assert "Generar el PDF ahora" in toolbar  # the workspace's word over sitrep's
    assert f"N.º {state['content']['number']} del {state['content']['day']}" in toolbar
    assert "generado a las" in toolbar
    for english in ENGLISH_TOOLBAR:
        assert english not in toolbar, english
    # the script's words: the whole [preview] section, as JSON in an attribute
    words = json.loads(html.unescape(re.search(r'data-words="([^"]*)"', page).group(1)))
    assert (
        words["preview.edition"] == "Edición HTML"
        and words["preview.build"] == "Generar el PDF ahora"
    )
    assert set(words["preview.warnings." + f] for f in ("one", "many", "other")) == {
        "{count} advertencia",
        "{count} de advertencias",
        "{count} advertencias",
    }


def test_an_arabic_workspace_has_a_right_to_left_page_and_the_arabic_plural(tmp_path: Path):
    # a workbook that does not validate: the panel counts its errors in Arabic
    with _localised_preview(tmp_path, "ar") as running:
        ws = running.options.workspace
        for row in (3, 4):  # saved as a spreadsheet program does: never read half-written
            set_cell(ws, "displacement", "People", "lots", row)
        deadline = time.monotonic() + 60
        while True:  # the render of the saved cells, and a page and state from that one render
            before = json.loads(request(running, "GET", "/api/report?date=latest")[2])
            page = request(running, "GET", "/")[2].decode()
            state = json.loads(request(running, "GET", "/api/report?date=latest")[2])
            lots = [p for p in state["problems"] if p["value"] == "lots"]
            if (len(lots) >= 2 and state["version"] == before["version"]) or (
                time.monotonic() > deadline
            ):
                break
            time.sleep(0.2)
    from babel import Locale

    from sitrep.preview.live import Snapshot, problem_json
    from sitrep.preview.page import render_page
    from sitrep.render.html import load_messages
    from sitrep.settings.config import DEFAULT_TEMPLATES

    arabic = load_messages([DEFAULT_TEMPLATES], "ar")
    n = state["errors"]
    assert n >= 2 and state["locale"] == "ar"
    toolbar = _toolbar(page)
    assert '<html lang="ar" dir="rtl">' in page
    assert "لا يمكن إنشاء التقرير:" in toolbar
    form = arabic[f"preview.errors.{Locale.parse('ar').plural_form(n)}"].format(count=n)
    assert f'<span id="sitrep-problem-count">{form}</span>' in toolbar
    assert ">خطأ</span>" in toolbar  # the severity word
    for english in ENGLISH_TOOLBAR:
        assert english not in toolbar, english
    # the categories themselves: 2 is the dual, 11 "many", 3 "few"
    words = {k: v for k, v in arabic.items() if k.startswith("preview.")}
    for count, expected in ((2, "2 خطآن"), (3, "3 أخطاء"), (11, "11 خطأً"), (100, "100 خطأ")):
        errors = [problem_json(SitrepError(f"problem {i}")) for i in range(count)]
        snap = Snapshot(1, None, None, errors, locale="ar", words=words)
        assert f'<span id="sitrep-problem-count">{expected}</span>' in render_page(snap, "t", "i")
