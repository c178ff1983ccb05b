"""`sitrep publish DIR`: every issued report copied into a folder, with an archive page and a feed.

The folder is for others to read (a web server, a shared drive, a mailing tool's RSS campaign),
so publishing only ever adds: a file already there with the same bytes is left alone, one with
different bytes is never replaced (the run stops before writing anything and names it), and
nothing is deleted. Each report keeps its place under `<date>/`, as in `output/`. The archive
and the feed, rewritten as reports are issued, replace only pages sitrep wrote, known by their
marker (`sitrep.issue.marker`): a web root's own `index.html` stops the run the same way.

`index.html` lists every issued report, newest first (number, date, revision, languages, the
headline figures, links: the PDF, the web page and the Word edition when there is one);
`feed.xml` is an Atom feed of the same with each report's highlights
as its summary. Both are made from the issued HTML editions themselves (their title, language,
highlights and key figures), so they say exactly what was issued, and both are written only when
their bytes change. Nothing in them loads a remote resource, and no character XML forbids
reaches them (`sitrep.safety.xmlchars`), whatever an edition issued before holds.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from sitrep.errors import SitrepError
from sitrep.files import atomic_write, sha256_bytes, sha256_file, unwritable_folder
from sitrep.issue.editions import Entry, read_edition
from sitrep.issue.marker import GENERATOR, GENERATOR_META, with_marker, written_by_sitrep
from sitrep.issue.record import Issued, load_record
from sitrep.render.html import Translator, load_messages, make_environment, make_translator
from sitrep.render.numerals import date
from sitrep.render.sandbox import render_template
from sitrep.render.stylesheet import rule
from sitrep.safety.xmlchars import xml_safe
from sitrep.settings.config import Config, load_config, template_dirs
from sitrep.settings.languages import right_to_left
from sitrep.settings.locales import language_tag

ATOM = "http://www.w3.org/2005/Atom"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ARCHIVE_TEMPLATE = "archive.html"
PAGES = ("index.html", "feed.xml")  # rewritten as reports are issued: only over sitrep's own


class PublishConflict(SitrepError):
    """A file in the published folder has other bytes than the issued report of that name."""


@dataclass
class Published:
    folder: Path
    entries: list[Entry]
    copied: list[Path] = field(default_factory=list)  # files written this run
    unchanged: int = 0  # report files already there with the same bytes
    pages: list[Path] = field(default_factory=list)  # index.html / feed.xml, when rewritten


def _same_file(target: Path, size: int, digest: str) -> bool:
    """`target` holds these bytes (the size first: most differing files differ in size)."""
    return target.stat().st_size == size and sha256_file(target) == digest


def _plan(
    output: Path, folder: Path, record: list[Issued], foreign: list[Path]
) -> tuple[list, list[Entry], int]:
    """What to copy ((source, target) pairs), the entries, and how many are there already.

    Raises PublishConflict, before anything is written, when a target has other bytes or a page
    is `foreign` (not written by sitrep).
    """
    copies, entries, same, conflicts = [], [], 0, []
    for issued in sorted(record, key=lambda e: (e.date, e.revision), reverse=True):
        # the report in each of its languages ([report] languages), the first one first
        files = [(issued.pdf, issued.html, issued.pdf_sha256)]
        files += [(p, h, digest) for p, h, digest in issued.editions.values()]
        word = {Path(docx): digest for docx, digest in issued.word.values()}  # by .docx
        for pdf_name, html_name, pdf_sha256 in files:
            pdf, html = output / pdf_name, output / html_name
            docx = Path(pdf_name).with_suffix(".docx")
            sources = [pdf, html] + ([output / docx] if docx in word else [])
            for source in sources:
                if not source.is_file():
                    raise SitrepError(
                        f"{source} is in the record of issued reports ({output / 'issued.json'})"
                        f" but missing. Build it again with: sitrep build --date {issued.date}"
                    )
            edition = html.read_bytes()
            # The record holds the PDF's hash (and the Word edition's); the edition is hashed here.
            digests = [(pdf, pdf_sha256), (html, sha256_bytes(edition))]
            digests += [(output / docx, word[docx])] if docx in word else []
            for source, digest in digests:
                target = folder / source.relative_to(output)
                if not target.is_file():
                    copies.append((source, target))
                elif _same_file(target, source.stat().st_size, digest):
                    same += 1
                else:
                    conflicts.append(target)
            title, language, highlights, figures = read_edition(edition.decode("utf-8"))
            entries.append(
                Entry(
                    issued.date,
                    issued.number,
                    issued.revision,
                    title,
                    language,
                    Path(pdf_name).as_posix(),
                    Path(html_name).as_posix(),
                    highlights,
                    figures,
                    pdf.stat().st_size,
                    _written(pdf, issued.date),
                    docx.as_posix() if docx in word else "",
                )
            )
    if conflicts or foreign:
        raise PublishConflict(_conflict_message(folder, conflicts, foreign))
    return copies, entries, same


def _written(pdf: Path, day: str) -> str:
    """When the issued PDF was written (its modification time, UTC, to the second), never before
    the report's date: a revision's feed entry is updated when the revision was issued."""
    at = dt.datetime.fromtimestamp(int(pdf.stat().st_mtime), dt.UTC)
    midnight = dt.datetime.fromisoformat(f"{day}T00:00:00+00:00")
    return max(at, midnight).strftime("%Y-%m-%dT%H:%M:%SZ")


def _conflict_message(folder: Path, conflicts: list[Path], foreign: list[Path]) -> str:
    lines = []
    if conflicts:
        names = "\n  ".join(map(str, conflicts))
        lines.append(
            f"{len(conflicts)} file(s) in {folder} differ from the issued reports of the same "
            f"name, and publishing never replaces a file:\n  {names}"
        )
    if foreign:
        names = "\n  ".join(map(str, foreign))
        lines.append(
            f"{len(foreign)} page(s) in {folder} were not written by sitrep publish (no "
            f"{GENERATOR_META} in the page, no <generator>{GENERATOR}</generator> in the feed), "
            f"and publishing never replaces a file it did not write:\n  {names}\n"
            f"Publish into a folder of its own (such as {folder / 'sitreps'}). An archive page "
            "an earlier sitrep wrote has no marker: delete it, publish writes it again."
        )
    lines.append(
        "Nothing was written. Move them away (or publish into another folder) and run "
        "sitrep publish again."
    )
    return "\n".join(lines)


def feed_xml(
    entries: list[Entry],
    title: str,
    base_url: str | None,
    language: str,
    author: str = "",
    revisions: dict[str, str] | None = None,
) -> bytes:
    """An Atom feed (RFC 4287) of the issued reports, newest first; the same entries, same bytes.
    `language` is a BCP 47 tag ("ar-SD"); an entry of another language's edition has its own.

    Entry ids are stable UUIDs of the report's file name (a revision's is its own); `published`
    is the report's date (midnight UTC), `updated` when the issue's PDF was written (a
    revision's own time, never the clock). `author` is the issuing office (RFC 4287 asks for an
    author); `revisions` gives, by PDF, the words a revision's title ends with ("Revision 1"),
    so that each revision's entry has its own title. The enclosure has its type and length.
    Links are relative to `base_url` when it is set (feed readers and mailing tools want
    absolute links), else relative to the feed.
    """
    ET.register_namespace("", ATOM)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        # ElementTree writes what XML forbids as it is, and the feed would not parse: an
        # edition issued before sitrep removed them may still hold some
        attrs = {name: xml_safe(value) for name, value in attrs.items()}
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = None if text is None else xml_safe(text)
        return element

    def link(path: str) -> str:
        return f"{base_url.rstrip('/')}/{path}" if base_url else path

    def stamp(day: str) -> str:
        return f"{day}T00:00:00Z"

    def updated(entry: Entry) -> str:
        return entry.written or stamp(entry.date)

    lang = {"{http://www.w3.org/XML/1998/namespace}lang": xml_safe(language)}
    feed = ET.Element(f"{{{ATOM}}}feed", lang)
    add(feed, "title", title)
    add(feed, "id", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'sitrep-feed:' + title)}")
    add(feed, "updated", max((updated(e) for e in entries), default=stamp("1970-01-01")))
    add(feed, "link", rel="self", href=link("feed.xml"))
    add(feed, "link", rel="alternate", type="text/html", href=link("index.html"))
    add(add(feed, "author"), "name", author or title)
    add(feed, "generator", GENERATOR)
    for entry in entries:
        item = add(feed, "entry")
        if entry.language and entry.language != language:  # another language's edition
            item.set("{http://www.w3.org/XML/1998/namespace}lang", xml_safe(entry.language))
        revised = (revisions or {}).get(entry.pdf) if entry.revision else None
        add(item, "title", f"{entry.title} – {revised}" if revised else entry.title)
        add(item, "id", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'sitrep:' + entry.pdf)}")
        add(item, "updated", updated(entry))
        add(item, "published", stamp(entry.date))
        add(item, "link", rel="alternate", type="text/html", href=link(entry.html))
        if entry.word:  # another alternate: its own media type (RFC 4287, 4.2.7.2)
            add(item, "link", rel="alternate", type=DOCX, href=link(entry.word))
        enclosure = {"type": "application/pdf", "href": link(entry.pdf)}
        if entry.pdf_size:
            enclosure["length"] = str(entry.pdf_size)
        add(item, "link", rel="enclosure", **enclosure)
        lines = [*entry.highlights, *(f"{f.value} {f.caption}".strip() for f in entry.figures)]
        if lines:
            add(item, "summary", "\n".join(f"- {line}" for line in lines))
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _stylesheet_colours(dirs: list[Path]) -> Markup:
    """The `:root { --... }` custom properties of the report's stylesheet, for the archive.

    Markup for the archive's <style> (escaped quotes would break the CSS); a block with `<` in
    it is left out, so nothing can close the <style> element.
    """
    for folder in dirs:
        css = folder / "style.css"
        if css.is_file():
            root = rule(css.read_text("utf-8"), ":root")  # as CSS reads it: not in a comment
            if root and "<" not in root:
                return Markup(root)
    return Markup("")


def archive_html(config: Config, title: str, entries: list[Entry], dirs: list[Path]) -> bytes:
    """The archive page: the `archive.html` template (a workspace may override it), plain data,
    rendered as the report is (`render_template`: bounded, no character XML forbids), with
    sitrep's marker added when a workspace's template lacks it."""
    env = make_environment(dirs, config.locale, config.digits)
    words = _words_by_language(entries, dirs, config.digits)
    context = {
        "title": title,
        "office": config.issuing_office,
        "colours": _stylesheet_colours(dirs),
        "reports": [
            {
                "date": dt.date.fromisoformat(e.date),
                "number": e.number,
                "revision": e.revision,
                "title": e.title,
                "language": e.language,
                "direction": "rtl" if right_to_left(e.language) else "ltr",
                # the edition's own words: an English edition's entry on an Arabic page
                **words[e.language](e),
                "pdf": e.pdf,
                "html": e.html,
                "word": e.word,
                "highlights": list(e.highlights),
                "figures": [{"value": f.value, "caption": f.caption} for f in e.figures],
            }
            for e in entries
        ],
    }
    page = render_template(env, ARCHIVE_TEMPLATE, context, dirs)
    return with_marker(page).encode("utf-8")


def _words_by_language(
    entries: list[Entry], dirs: list[Path], digits: str
) -> dict[str, Callable[[Entry], dict[str, str]]]:
    """For each edition's language: its entry's heading, date and link words, in it."""
    out: dict[str, Callable[[Entry], dict[str, str]]] = {}
    for language in {e.language for e in entries}:
        locale = language.replace("-", "_") or "en"
        t = make_translator(load_messages(dirs, locale), locale, digits, isolating=True)

        def words(e: Entry, t: Translator = t, locale: str = locale) -> dict[str, str]:
            revision = " · " + t("report.revision", revision=e.revision) if e.revision else ""
            day = date(dt.date.fromisoformat(e.date), "d MMMM y", locale, t.numbering)
            return {"heading": t("report.sitrep_no", number=e.number) + revision,
                    "revision": t("report.revision", revision=e.revision),
                    "as_of": t("report.as_of", date=day), "pdf_label": t("archive.pdf"),
                    "html_label": t("archive.html"), "word_label": t("archive.docx")}  # fmt: skip

        out[language] = words
    return out


def _revision_words(entries: list[Entry], dirs: list[Path], digits: str) -> dict[str, str]:
    """Each revision's words in its own language ("Revision 1"), by its PDF."""
    words = _words_by_language(entries, dirs, digits)
    return {e.pdf: words[e.language](e)["revision"] for e in entries if e.revision}


def publish_settings(config: Config) -> tuple[Path | None, str | None]:
    """`[publish] folder` and `base_url` (the folder's address on the web, for the feed's links),
    as `load_config` checked them (sitrep.settings.schema)."""
    return config.publish.folder, config.publish.base_url


def publish(workspace: Path, folder: Path | None = None) -> Published:
    """Copy every issued report into `folder` (else `[publish] folder`), then the index and feed."""
    config = load_config(workspace)
    configured, base_url = publish_settings(config)
    folder = folder or configured
    if folder is None:
        raise SitrepError(
            "no folder to publish to: give one (sitrep publish DIR) or set it in sitrep.toml:\n"
            '[publish]\nfolder = "/srv/www/sitreps"'
        )
    folder = folder.absolute()
    output = config.output_dir.resolve()
    if folder.resolve().is_relative_to(output):
        raise SitrepError(f"{folder} is inside {output}: publish into a folder of its own")
    if problem := unwritable_folder(folder):
        raise SitrepError(f"{problem}: publish into a folder you can write (sitrep publish DIR)")
    foreign = [folder / name for name in PAGES if not written_by_sitrep(folder / name)]
    record = load_record(config.output_dir)
    copies, entries, same = _plan(config.output_dir, folder, record, foreign)
    result = Published(folder, entries, unchanged=same)
    for source, target in copies:
        atomic_write(target, source.read_bytes())
        result.copied.append(target)
    dirs = template_dirs(config.templates_dir)
    t = make_translator(load_messages(dirs, config.locale))
    title = t("report.title", country=config.country, crisis=config.crisis)
    pages = {
        folder / "index.html": archive_html(config, title, entries, dirs),
        folder / "feed.xml": feed_xml(
            entries,
            title,
            base_url,
            language_tag(config.locale),
            config.issuing_office,
            _revision_words(entries, dirs, config.digits),
        ),
    }
    for path, data in pages.items():
        if not path.is_file() or sha256_file(path) != sha256_bytes(data):
            atomic_write(path, data)
            result.pages.append(path)
    return result
