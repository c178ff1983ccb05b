"""The preview page: the report's own styles and body inside a toolbar and a problem panel.

Rendered on the server for the first view (so the page is whole without its script); after
that, `assets/preview.js` swaps in each new render. The page template is sitrep's own
(`assets/page.html`), not a workspace's: autoescaped, and the report body inserted as the
markup the report templates made (the same sanitized HTML as the PDF and the HTML edition).

The toolbar's words are the `[preview]` entries of the workspace's catalogue, in its language
(`Snapshot.words`): chosen here for the first view, and given to the script as JSON in a data
attribute (autoescaped like any other) for the texts it sets later. A right-to-left language
gives the page `dir="rtl"`.
"""

from __future__ import annotations

import json
from functools import cache

import jinja2
from markupsafe import Markup

from sitrep.preview.live import Snapshot
from sitrep.render.html import Translator
from sitrep.render.plain import to_plain
from sitrep.render.sandbox import SitrepSandbox
from sitrep.settings.languages import right_to_left
from sitrep.settings.locales import language_tag

SEVERITIES = ("error", "warning", "note")


@cache
def _environment() -> jinja2.Environment:
    # sitrep's own template, yet given plain data in the same sandbox as a workspace's (the
    # snapshot carries the workspace's words and errors): one way to render, everywhere.

    return SitrepSandbox(
        loader=jinja2.PackageLoader("sitrep.preview", "assets"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def direction(locale: str) -> str:
    """'rtl' for a language written right to left (Arabic, Persian, Hebrew...), else 'ltr'."""
    return "rtl" if right_to_left(locale) else "ltr"


def toolbar_words(snap: Snapshot, warnings: int) -> dict[str, object]:
    """The toolbar's texts for this snapshot, chosen and filled in for the server's render."""
    t = Translator(snap.words, snap.locale)
    content = snap.content
    status = ""
    if content:
        day = content.day.isoformat()
        status = (
            t("preview.number_revision", number=content.number, revision=content.revision, day=day)
            if content.revision
            else t("preview.number", number=content.number, day=day)
        )
        state = "changed" if content.changed else "issued" if content.issued else "not_issued"
        status += " " + t(f"preview.{state}")
    plain = ("toolbar", "brand", "report_date", "latest", "build", "cannot_build", "fix_hint")
    offline = t("preview.not_connected", command="\x00").split("\x00", 1)
    return {
        **{key: t(f"preview.{key}") for key in plain},
        "last_good": t("preview.last_good"),
        "status": status,
        "rendered": t("preview.rendered", time=snap.rendered_at),
        "warnings": t("preview.warnings", count=warnings),
        "errors": t("preview.errors", count=snap.errors),
        "severity": {s: t(f"preview.{s}") for s in SEVERITIES},
        "not_connected": offline if len(offline) == 2 else [offline[0], ""],
    }


def render_page(snap: Snapshot, token: str, instance: str) -> str:
    content = snap.content
    warnings = [p for p in snap.problems if p["severity"] != "error"]
    title = content.title if content else Translator(snap.words, snap.locale)("preview.brand")
    context = {
        "snap": snap,
        "content": content,
        "body": Markup(content.body) if content else "",
        "styles": [(m, Markup(css)) for m, css in content.styles] if content else [],
        "token": token,
        "instance": instance,
        "date": snap.key.isoformat() if snap.key else "latest",
        "warnings": warnings,
        "w": toolbar_words(snap, len(warnings)),
        "title": Translator(snap.words, snap.locale)("preview.title", title=title),
        "locale": snap.locale,
        "lang": language_tag(snap.locale),  # BCP 47
        "dir": direction(snap.locale),
        # the script's words: JSON in an attribute, escaped by autoescape as any text is
        "words_json": json.dumps(snap.words, ensure_ascii=False, sort_keys=True),
    }
    return _environment().get_template("page.html").render(**to_plain(context))
