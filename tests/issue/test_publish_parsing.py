"""What `sitrep publish` reads from an issued edition and from the stylesheet, read by parsers:
a section or a rule inside a comment is not one, a `}` inside a CSS string does not end a rule."""

from __future__ import annotations

from pathlib import Path

from sitrep.issue.editions import Figure, read_edition
from sitrep.issue.publish import publish


def test_the_summary_is_read_from_the_sections_not_from_a_comment() -> None:
    html = (
        '<!DOCTYPE html><html lang="fr"><head><title>Rapport &amp; suivi</title>'
        "<style>p { color: red }</style></head><body>"
        '<!-- <section class="highlights"><ul><li>old</li></ul></section> -->'
        '<section class="highlights"><ul><li>new &amp; <b>true</b></li><li>two</ul></section>'
        '<section class="key-figures"><div class="tile"><p class="value">1,200</p>'
        '<p class="caption">people <br>displaced</p></div></section>'
        '<svg viewBox="0 0 1 1"><rect width="1" height="1"/></svg></body></html>'
    )
    assert read_edition(html) == (
        "Rapport & suivi",
        "fr",
        ("new & true", "two"),
        (Figure("1,200", "people displaced"),),
    )


def test_the_archive_takes_the_stylesheets_own_root_rule(workspace: Path, tmp_path: Path) -> None:
    templates = workspace / "templates"
    templates.mkdir(exist_ok=True)
    root = ':root { --accent: #123456; --quote: "}"; }'
    (templates / "style.css").write_text(f"/* :root {{ --accent: #ff0000 }} */\n{root}\n")
    publish(workspace, tmp_path / "site")
    index = (tmp_path / "site" / "index.html").read_text("utf-8")
    assert root in index and "#ff0000" not in index
