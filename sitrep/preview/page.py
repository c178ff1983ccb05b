"""The preview page: the report's own styles and body inside a toolbar and a problem panel.

Rendered on the server for the first view (so the page is whole without its script); after
that, `assets/preview.js` swaps in each new render. The page template is sitrep's own
(`assets/page.html`), not a workspace's: autoescaped, and the report body inserted as the
markup the report templates made (the same sanitized HTML as the PDF and the HTML edition).
"""

from __future__ import annotations

from functools import cache

import jinja2
from markupsafe import Markup

from sitrep.preview.live import Snapshot


@cache
def _environment() -> jinja2.Environment:
    # sitrep's own template, yet given plain data in the same sandbox as a workspace's (the
    # snapshot carries the workspace's words and errors): one way to render, everywhere.
    from sitrep.sandbox import SitrepSandbox

    return SitrepSandbox(
        loader=jinja2.PackageLoader("sitrep.preview", "assets"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_page(snap: Snapshot, token: str, instance: str) -> str:
    from sitrep.plain import to_plain

    content = snap.content
    context = {
        "snap": snap,
        "content": content,
        "body": Markup(content.body) if content else "",
        "styles": [(m, Markup(css)) for m, css in content.styles] if content else [],
        "token": token,
        "instance": instance,
        "date": snap.key.isoformat() if snap.key else "latest",
        "warnings": [p for p in snap.problems if p["severity"] != "error"],
    }
    return _environment().get_template("page.html").render(**to_plain(context))
