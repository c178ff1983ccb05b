"""`sitrep publish`: issued reports copied into a folder, an archive page and an Atom feed.

The published folder is served by Python's own http.server and fetched, and the feed is parsed
as Atom, as a mailing tool's RSS campaign or a website would read them.
"""

from __future__ import annotations

import functools
import http.server
import threading
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitrep.cli import main
from sitrep.issue.publish import PublishConflict, publish
from sitrep.report import BuildOptions, build_report

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory, quick_issued_23):
    """A workspace with two dates issued and a revision of the later one."""
    import datetime as dt
    import shutil

    # the quick workspace with 23 August issued (tests/issue/conftest.py), copied: 2 builds
    ws = shutil.copytree(quick_issued_23[0], tmp_path_factory.mktemp("publish") / "ws")
    first = build_report(BuildOptions(ws, dt.date.fromisoformat("2021-08-23")))
    assert first.reused and first.number == 9
    second = build_report(BuildOptions(ws, dt.date.fromisoformat("2021-08-24")))
    narrative = ws / "inputs/narrative/2021-08-24.md"
    narrative.write_text(narrative.read_text() + "\nA correction.\n")
    revision = build_report(BuildOptions(ws, dt.date.fromisoformat("2021-08-24"), revise=True))
    return ws, [first, second, revision]


def feed_entries(folder: Path) -> list[ET.Element]:
    root = ET.parse(folder / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    for tag in ("title", "id", "updated"):
        assert root.find(f"{ATOM}{tag}") is not None, tag
    return root.findall(f"{ATOM}entry")


@pytest.mark.slow
def test_every_issued_report_is_copied_with_an_archive_and_a_feed(issued, tmp_path: Path):
    ws, builds = issued
    folder = tmp_path / "site"
    result = publish(ws, folder)
    for build in builds:
        for path in (build.pdf, build.html):
            copy = folder / path.relative_to(ws / "output")
            assert copy.read_bytes() == path.read_bytes()
    assert len(result.copied) == 6 and sorted(p.name for p in result.pages) == [
        "feed.xml",
        "index.html",
    ]
    index = (folder / "index.html").read_text()
    # newest first: the revision, then No. 10, then No. 9
    assert index.index("Revision 1") < index.index("No. 9")
    assert index.count("<article") == 3
    style = index.split("<style>")[1].split("</style>")[0]
    assert "--accent:" in style and "&#34;" not in style  # the report's colours, as CSS
    assert 'href="2021-08-23/' in index and "://" not in index.split("</head>")[0]

    entries = feed_entries(folder)
    assert [e.find(f"{ATOM}published").text for e in entries] == [
        "2021-08-24T00:00:00Z",
        "2021-08-24T00:00:00Z",
        "2021-08-23T00:00:00Z",
    ]
    # a revision is updated when it was issued, after the report it revises (RFC 3339, UTC)
    updated = [e.find(f"{ATOM}updated").text for e in entries]
    assert updated[0] >= updated[1] > "2021-08-24T00:00:00Z" and updated[0].endswith("Z")
    root = ET.parse(folder / "feed.xml").getroot()
    assert root.find(f"{ATOM}updated").text == max(updated)
    author = root.find(f"{ATOM}author/{ATOM}name").text  # RFC 4287: a feed has an author
    assert author == "Illustrative IM Office, Kabul (sample workspace)"
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert len(set(titles)) == 3 and titles[0] == f"{titles[1]} – Revision 1"
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == 3 and all(i.startswith("urn:uuid:") for i in ids)
    for entry, build in zip(entries, reversed(builds), strict=True):
        (enclosure,) = [x for x in entry.findall(f"{ATOM}link") if x.get("rel") == "enclosure"]
        assert enclosure.get("type") == "application/pdf"
        assert enclosure.get("length") == str(build.pdf.stat().st_size)
    summary = entries[0].find(f"{ATOM}summary").text
    # the highlights of the issued edition, as a reader of the feed sees them
    first_highlight = builds[2].html.read_text().split('class="highlights"')[1]
    assert summary.startswith("- ") and summary.count("\n- ") >= 2
    assert summary.split("\n")[0][2:12] in " ".join(first_highlight.split())
    enclosures = [
        link.get("href")
        for link in entries[2].findall(f"{ATOM}link")
        if link.get("rel") == "enclosure"
    ]
    assert enclosures == [str(builds[0].pdf.relative_to(ws / "output"))]


@pytest.mark.slow
def test_publishing_again_changes_nothing(issued, tmp_path: Path):
    ws, _ = issued
    folder = tmp_path / "site"
    publish(ws, folder)
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    again = publish(ws, folder)
    assert again.copied == [] and again.pages == [] and again.unchanged == 6
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()} == before


@pytest.mark.slow
def test_a_different_file_of_the_same_name_is_never_replaced(issued, tmp_path: Path):
    ws, builds = issued
    folder = tmp_path / "site"
    publish(ws, folder)
    theirs = folder / builds[0].pdf.relative_to(ws / "output")
    theirs.write_bytes(b"someone else's file")
    (folder / "index.html").unlink()
    with pytest.raises(PublishConflict, match=theirs.name):
        publish(ws, folder)
    assert theirs.read_bytes() == b"someone else's file"
    assert not (folder / "index.html").exists()  # nothing written at all

    result = CliRunner().invoke(main, ["-w", str(ws), "publish", str(folder)])
    assert result.exit_code == 1 and "never replaces a file" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_settings_folder_and_base_url(issued, tmp_path: Path):
    ws, _ = issued
    settings = ws / "sitrep.toml"
    original = settings.read_text()
    folder = tmp_path / "from-settings"
    try:
        settings.write_text(
            original
            + f'\n[publish]\nfolder = "{folder}"\nbase_url = "https://example.org/sitreps/"\n'
        )
        result = CliRunner().invoke(main, ["publish", "-w", str(ws)])
        assert result.exit_code == 0, result.stderr
        links = [link.get("href") for e in feed_entries(folder) for link in e]
        links = [h for h in links if h]
        assert links and all(h.startswith("https://example.org/sitreps/2021-08-2") for h in links)

        settings.write_text(original + '\n[publish]\nfolder = 3\nbase_url = "ftp://x"\nfoo = 1\n')
        result = CliRunner().invoke(main, ["publish", "-w", str(ws)])
        assert result.exit_code == 1
        for key in ("publish.folder", "publish.base_url", "publish.foo"):
            assert key in result.stderr
    finally:
        settings.write_text(original)


@pytest.mark.slow
def test_a_web_server_serves_the_published_folder(issued, tmp_path: Path):
    ws, builds = issued
    folder = tmp_path / "www"
    publish(ws, folder)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        index = urllib.request.urlopen(base, timeout=5).read().decode()
        assert "Situation Report No. 10" in index
        feed = urllib.request.urlopen(base + "feed.xml", timeout=5).read()
        href = ET.fromstring(feed).find(f"{ATOM}entry/{ATOM}link[@rel='enclosure']").get("href")
        pdf = urllib.request.urlopen(base + href, timeout=5).read()
        assert pdf == builds[2].pdf.read_bytes()
    finally:
        server.shutdown()
        server.server_close()


def test_an_empty_record_publishes_an_empty_archive(workspace: Path, tmp_path: Path):
    result = publish(workspace, tmp_path / "site")
    assert result.entries == [] and feed_entries(tmp_path / "site") == []
    assert "No report has been issued yet." in (tmp_path / "site/index.html").read_text()


def test_no_folder_says_how_to_set_one(workspace: Path):
    result = CliRunner().invoke(main, ["-w", str(workspace), "publish"])
    assert result.exit_code == 1 and "[publish]" in result.stderr


HAND_WRITTEN = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Our office</title>
<!-- <meta name="generator" content="sitrep"> was here once -->
</head><body><h1>Welcome</h1><p>content="sitrep" generator</p></body></html>
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "theirs"),
    [("index.html", HAND_WRITTEN),
     ("feed.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>'
                  "<generator>WordPress</generator></channel></rss>"),
     ("feed.xml", f'<feed xmlns="{ATOM[1:-1]}"><title>x</title><generator>Hugo</generator></feed>'),
     ("feed.xml", "not xml at all <generator>sitrep</generator>")],
)  # fmt: skip
def test_a_page_sitrep_did_not_write_is_never_replaced(
    issued, tmp_path: Path, name: str, theirs: str
) -> None:
    ws, _ = issued
    folder = tmp_path / "www"
    folder.mkdir()
    (folder / name).write_text(theirs)
    with pytest.raises(PublishConflict, match=name) as info:
        publish(ws, folder)
    assert "did not write" in str(info.value) and str(folder / name) in str(info.value)
    assert [p.name for p in folder.iterdir()] == [name]  # nothing written at all
    assert (folder / name).read_text() == theirs

    result = CliRunner().invoke(main, ["-w", str(ws), "publish", str(folder)])
    assert result.exit_code == 1 and name in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in folder.iterdir()] == [name]


@pytest.mark.slow
def test_a_link_or_a_folder_of_a_page_s_name_is_not_replaced(issued, tmp_path: Path) -> None:
    ws, _ = issued
    folder = tmp_path / "www"
    folder.mkdir()
    publish(ws, tmp_path / "elsewhere")
    (folder / "index.html").symlink_to(tmp_path / "elsewhere" / "index.html")
    (folder / "feed.xml").mkdir()
    with pytest.raises(PublishConflict) as info:
        publish(ws, folder)
    assert "index.html" in str(info.value) and "feed.xml" in str(info.value)
    assert (folder / "index.html").is_symlink() and (folder / "feed.xml").is_dir()


@pytest.mark.slow
def test_pages_sitrep_wrote_are_recognised_by_their_marker(issued, tmp_path: Path) -> None:
    """Its own pages, a workspace's archive template without the marker, an earlier feed."""
    ws, _ = issued
    folder = tmp_path / "site"
    publish(ws, folder)
    index = (folder / "index.html").read_text()
    assert '<meta name="generator" content="sitrep">' in index
    # a newer report changes both pages: they are sitrep's, and are rewritten
    (folder / "index.html").write_text(index.replace("<h1>", "<h1>Old "))
    feed = (folder / "feed.xml").read_text()
    (folder / "feed.xml").write_text(feed.replace("<title>", "<title>Old ", 1))
    result = publish(ws, folder)
    assert sorted(p.name for p in result.pages) == ["feed.xml", "index.html"]

    theme = ws / "templates" / "archive.html"
    theme.write_text("<!DOCTYPE html><html><head><title>{{ title }}</title></head><body></body>")
    try:
        publish(ws, folder)
        page = (folder / "index.html").read_text()
        assert page.startswith('<!DOCTYPE html><html><head><meta name="generator"')
        (folder / "index.html").write_text(page.replace("<body>", "<body>changed"))
        publish(ws, folder)  # its own page, recognised though the template lacks the marker
    finally:
        theme.unlink()


@pytest.mark.slow
def test_markup_in_a_highlight_stays_text_in_the_archive_and_the_feed(tmp_path: Path) -> None:
    import datetime as dt

    from tests.conftest import copy_workspace, quicken

    ws = quicken(copy_workspace(tmp_path / "ws"))  # the highlights, not the tables it leaves out
    narrative = ws / "inputs/narrative/2021-08-24.md"
    lines = narrative.read_text().split("\n")
    lines[1] = '- <script>alert(1)</script> <img src="http://127.0.0.1:9/x"> & more'
    narrative.write_text("\n".join(lines))
    build_report(BuildOptions(ws, dt.date(2021, 8, 24)))
    publish(ws, tmp_path / "site")
    index = (tmp_path / "site" / "index.html").read_text()
    assert "<script" not in index and "<img" not in index
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    summary = feed_entries(tmp_path / "site")[0].find(f"{ATOM}summary").text
    assert '<script>alert(1)</script> <img src="http://127.0.0.1:9/x"> & more' in summary


@pytest.mark.slow
def test_a_folder_inside_output_is_refused(issued) -> None:
    ws, _ = issued
    for folder in (ws / "output", ws / "output" / "site"):
        result = CliRunner().invoke(main, ["-w", str(ws), "publish", str(folder)])
        assert result.exit_code == 1 and "folder of its own" in result.stderr
    assert not (ws / "output" / "site").exists() and not (ws / "output" / "index.html").exists()
