"""A theme from elsewhere (templates, stylesheet, message catalogue) is untrusted for its reach.

SECURITY.md: its URLs get nothing (the fetcher; see test_security_e2e.py), and its words and
templates must not reach Python objects, module globals or the environment, where the SMTP
password lives while `sitrep send` builds the report. These call render.py directly: no PDF.
"""

from __future__ import annotations

from pathlib import Path

from sitrep.errors import RenderError

SECRET_ENV = "SITREP_SMTP_PASSWORD"
SECRET = "theme-env-secret-42"
# A placeholder that walks from a Markup value to os.environ (str.format allows . and [key]).
ENV_WALK = "{v.__html_format__.__globals__[t].sys.modules[os].environ[" + SECRET_ENV + "]}"


def test_a_catalogue_placeholder_cannot_reach_the_environment(monkeypatch):
    from markupsafe import Markup

    from sitrep.render.html import make_translator

    monkeypatch.setenv(SECRET_ENV, SECRET)
    t = make_translator({"evil": ENV_WALK})
    try:
        text = t("evil", v=Markup("x"))
    except RenderError:
        return  # refused: what we want
    assert SECRET not in text


def test_a_theme_template_cannot_reach_the_environment(monkeypatch, tmp_path: Path):
    from sitrep.render.html import render_html
    from sitrep.settings.config import DEFAULT_TEMPLATES

    monkeypatch.setenv(SECRET_ENV, SECRET)
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "report.html").write_text(
        "{{ cycler.__init__.__globals__.os.environ['" + SECRET_ENV + "'] }}", encoding="utf-8"
    )
    try:
        html = render_html({}, [theme, DEFAULT_TEMPLATES], "en")
    except RenderError:
        return
    assert SECRET not in html
