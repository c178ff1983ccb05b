"""What an email takes from the theme's stylesheet, read as CSS: the accent colour a rule
declares, not one in a comment."""

from __future__ import annotations

from pathlib import Path

from sitrep.delivery.distribute import email_accent
from sitrep.settings.config import load_config


def test_the_email_accent_is_the_one_the_stylesheet_declares(workspace: Path) -> None:
    templates = workspace / "templates"
    templates.mkdir(exist_ok=True)
    css = templates / "style.css"
    css.write_text("/* was --accent: #ff0000 */\n:root {\n  --accent: #123456; /* blue */\n}\n")
    assert email_accent(load_config(workspace)) == "#123456"
    css.write_text(':root { --accent: "#123456"; }\n')  # a string, not a colour: sitrep's own
    assert email_accent(load_config(workspace)) == "#0b5ea8"  # sitrep/templates/style.css
