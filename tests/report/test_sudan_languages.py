"""A Sudan workspace in Arabic and English, end to end, as a new user makes it.

`sitrep init --country SDN --language ar`, `languages = ["ar", "en"]`, the crisis and office
given by language, a COD file with English and Arabic names, rows naming areas in either
language (tests/sudan_workspace.py), then `sitrep build`, `send` (to the outbox) and `publish`
(in this process, by click's runner). Each edition prints its own language's names and words
only; in the Arabic one, phone numbers, signed figures and Latin names read in their own order,
read back from the PDF (pdftotext, and its word boxes) and from Chromium's rendering of the HTML
edition; counted nouns take CLDR's plural form for their number; the language tags are BCP 47
everywhere.
"""

from __future__ import annotations

import email
import re
import subprocess
from email import policy

import pytest
from pypdf import PdfReader

from tests.conftest import pdf_text
from tests.report.in_process import sitrep_here
from tests.report.test_report_languages import english_phrases
from tests.sudan_workspace import ARABIC_AREAS, DAY, EMAIL, ENGLISH_AREAS, PHONE, make_sudan

pytestmark = pytest.mark.slow  # builds (a PDF laid out), Chromium: not in make test-fast

ARABIC = re.compile(r"[\u0600-\u06ff]")
ISOLATES = re.compile("[\u2066-\u2069]")
ARABIC_OFFICE = "مكتب تنسيق الشؤون الإنسانية في السودان"


# session scope, though only this module uses it: made once per worker even when `--dist
# worksteal` runs this module's tests apart (a module fixture is made again each time its
# module's tests resume after another module's)
@pytest.fixture(scope="session")
def sudan(tmp_path_factory) -> dict:
    """The workspace built, sent to the outbox and published: what each step wrote."""
    root = tmp_path_factory.mktemp("sudan")
    ws = make_sudan(root)
    # in this process: these tests are about the editions' languages, not the process
    for args in (("build", "--date", str(DAY)), ("send", "--date", str(DAY)),
                 ("publish", str(root / "site"))):  # fmt: skip
        done = sitrep_here("-w", str(ws), *args, cwd=root)
        assert done.exit_code == 0, done.output
    out = ws / "output" / str(DAY)
    arabic = next(out.glob("*_no04.pdf"))
    english = next(out.glob("*_no04_en.pdf"))
    mails = {}
    for path in (out / "outbox").rglob("*.eml"):
        mail = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        mails[mail["Content-Language"]] = mail
    pages = PdfReader(arabic).pages
    return {
        "ws": ws,
        "root": root,
        "ar": pdf_text(arabic),
        "ar pdf": arabic,
        "ar pypdf": " ".join(" ".join(p.extract_text().split()) for p in pages),
        "en": pdf_text(english),
        "ar html": arabic.with_suffix(".html"),
        "en html": english.with_suffix(".html"),
        "mails": mails,
        "site": root / "site",
    }


def test_each_edition_prints_its_own_languages_names(sudan) -> None:
    arabic, english = sudan["ar pypdf"], sudan["en"]
    for name in (*ARABIC_AREAS, "زمزم" if "زمزم" in arabic else "الفاشر", ARABIC_OFFICE):
        assert name in arabic, name
    assert "طريق الفاشر - طويلة" in arabic  # the route's name_ar column: route_ar
    for name in ENGLISH_AREAS:
        assert name not in sudan["ar"] and name not in arabic, name
    assert "Sudan: El Fasher" in english and "OCHA Sudan" in english
    for name in ENGLISH_AREAS:
        assert name in english, name
    assert not ARABIC.search(english), ARABIC.findall(english)[:10]


def test_no_word_of_the_other_languages_catalogue(sudan) -> None:
    leaked = sorted(p for p in english_phrases("ar") if p in sudan["ar"])
    assert leaked == []
    assert "Head of Office" not in sudan["ar"] and "رئيسة المكتب" in sudan["ar pypdf"]


def test_a_phone_number_and_a_signed_figure_read_in_their_own_order_in_the_pdf(sudan) -> None:
    text = sudan["ar"]
    assert PHONE in text and "678 345 912 249+" not in text
    assert "+١٥٬٠٠٠" in text and "١٥٬٠٠٠+" not in text  # the change since the last report
    # where pdftotext finds each group: left to right in their own order, on one line
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(sudan["ar pdf"]), "-"], capture_output=True, text=True
    ).stdout
    found = {
        word: (float(x), float(y))
        for x, y, word in re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]+)<', boxes)
        if word in ("+249", "912", "345", "678")
    }
    xs = [found[w][0] for w in ("+249", "912", "345", "678")]
    assert xs == sorted(xs)


def test_counted_nouns_take_the_cldr_form_for_their_number(sudan) -> None:
    html = ISOLATES.sub("", sudan["ar html"].read_text("utf-8"))
    assert "٢٦٠٬٠٠٠ شخص نزحوا حديثًا" in html  # 260,000: CLDR's "other", not "شخصًا"
    assert "٤٢٬٠٠٠ شخص معزول" in html  # the second number of a heading, its own form
    assert "حالتا حصار ساريتان" in html and "الحصار: حالتان ساريتان" in html  # a dual
    assert not re.search(r"[٢2]\s*(</p>\s*<p[^>]*>)?\s*حالت", html)  # never "٢ حالتا"
    assert "طريق رئيسي واحد مغلق" in html  # one
    english = sudan["en html"].read_text("utf-8")
    assert "2 blockades in effect" in " ".join(re.sub(r"<[^>]+>", " ", english).split())


def test_one_term_for_situation_report_everywhere(sudan) -> None:
    arabic_mail = sudan["mails"]["ar-SD"]
    places = {
        "pdf": sudan["ar pypdf"],
        "html": sudan["ar html"].read_text("utf-8"),
        "subject": arabic_mail["Subject"],
        "body": arabic_mail.get_body(("plain",)).get_content(),
        "archive": (sudan["site"] / "index.html").read_text("utf-8"),
    }
    for where, text in places.items():
        assert "تقرير الوضع" in text or "تقارير الوضع" in text, where
        assert "تقرير الحالة" not in text and "تقارير الحالة" not in text, where


def test_language_tags_are_bcp47_and_right_to_left_is_said(sudan) -> None:
    assert '<html lang="ar-SD" dir="rtl">' in sudan["ar html"].read_text("utf-8")
    assert '<html lang="en-SD" dir="ltr">' in sudan["en html"].read_text("utf-8")
    arabic, english = sudan["mails"]["ar-SD"], sudan["mails"]["en-SD"]
    assert '<html lang="ar-SD" dir="rtl">' in arabic.get_body(("html",)).get_content()
    assert arabic["Subject"] == "السودان: الفاشر - تقرير الوضع رقم ٤ (حتى ١٩ نوفمبر ٢٠٢٦)"
    assert (
        english["Subject"] == "Sudan: El Fasher - Situation Report No. 4 (as of 19 November 2026)"
    )
    assert not ARABIC.search(english.get_body(("plain",)).get_content())
    body = ISOLATES.sub("", arabic.get_body(("plain",)).get_content())
    assert f"Layla Hamid، رئيسة المكتب، أوتشا السودان، {EMAIL}" in body
    archive = (sudan["site"] / "index.html").read_text("utf-8")
    assert '<html lang="ar-SD" dir="rtl">' in archive
    assert '<article lang="en-SD" dir="ltr">' in archive and "Situation Report No. 4" in archive
    feed = (sudan["site"] / "feed.xml").read_text("utf-8")
    assert 'xml:lang="ar-SD"' in feed and 'xml:lang="en-SD"' in feed and "_SD" not in feed


# Where Chromium draws each piece of the text of `selector`: the left edge of each match of
# `parts` (in the element's text, in logical order), and the element's text as read.
RECTS = """([selector, parts]) => {
  const element = document.querySelector(selector);
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const lefts = {};
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const part of parts) {
      const at = node.textContent.indexOf(part);
      if (at < 0 || part in lefts) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + part.length);
      lefts[part] = range.getBoundingClientRect().left;
    }
  }
  return {lefts, text: element.innerText};
}"""


def test_chromium_draws_numbers_and_names_in_their_own_order(sudan, browser) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page.goto(sudan["ar html"].as_uri())
        page.evaluate("document.fonts.ready.then(() => true)")
        phone = page.evaluate(RECTS, [".contacts .phone a", ["+249", "912", "345", "678"]])
        lefts = [phone["lefts"][p] for p in ("+249", "912", "345", "678")]
        assert lefts == sorted(lefts)  # left to right, as the number is dialled
        assert ISOLATES.sub("", phone["text"]) == PHONE
        contact = page.evaluate(RECTS, [".contacts th", ["Layla Hamid", "رئيسة المكتب"]])
        # right to left: the name first (rightmost), then the title, the comma between them
        assert contact["lefts"]["Layla Hamid"] > contact["lefts"]["رئيسة المكتب"]
        read = ISOLATES.sub("", contact["text"])
        assert read == "Layla Hamid، رئيسة المكتب، أوتشا السودان"
        change = page.evaluate(RECTS, [".tile .change", ["+", "١٥٬٠٠٠"]])
        assert change["lefts"]["+"] < change["lefts"]["١٥٬٠٠٠"]  # "+١٥٬٠٠٠", not "١٥٬٠٠٠+"
        page.screenshot(path=str(sudan["root"] / "arabic-390.png"), full_page=True)
    finally:
        page.close()


def test_sitrep_places_finds_an_arabic_name_however_it_is_typed(sudan) -> None:
    for typed in ("الفاشر", "الفـاشِر", "كبكابيه"):
        found = sitrep_here("-w", str(sudan["ws"]), "places", typed, cwd=sudan["root"])
        assert found.exit_code == 0, found.output
        assert re.search(r"SD02(114|124)\s+admin 2", found.stdout), found.stdout
