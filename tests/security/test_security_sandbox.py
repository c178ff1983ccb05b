"""Template attacks: a workspace's templates get plain data and a sandbox that refuses the rest.

SECURITY.md, guarantee 8. Three layers of tests:
- the real context of the sample report, walked through the sandbox's own attribute hook
  (`env.getattr`, what every `.name`, `[name]` and `|attr` of a template calls): everything
  reachable is plain data, and every dangerous name on every object is refused;
- a corpus of attack templates rendered with that context: each is refused with a RenderError
  naming the template, or renders without the secret; nothing is written anywhere;
- the same attacks through the real `sitrep build` in a subprocess (exit 1, a message naming
  the template, no traceback, the canary nowhere), and through the preview (an error in the
  panel, not a crash).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup

from sitrep.errors import RenderError
from sitrep.render.plain import PlainFunction, PlainView, plain_fields, to_plain
from sitrep.report import build_report
from sitrep.settings.config import DEFAULT_TEMPLATES
from tests.conftest import copy_workspace, pdf_text, quicken
from tests.in_process import completed, sitrep

CANARY = "sandbox-canary-7d41c0"  # SITREP_SMTP_PASSWORD while rendering
DANGEROUS = [
    "__class__", "__init__", "__globals__", "__dict__", "__mro__", "__subclasses__",
    "__base__", "__bases__", "__self__", "__func__", "__code__", "__builtins__", "__reduce__",
    "__getattribute__", "__setattr__", "__html_format__", "_sitrep_fields", "_sitrep_call",
    "_TemplateReference__context", "mro", "joinpath", "read_text", "read_bytes",
    "write_text", "write_bytes", "iterdir", "open", "unlink", "mkdir", "resolve", "parent",
    "format", "format_map", "encode", "translate", "messages", "rows_used", "update", "pop",
    "setdefault", "append", "clear", "ljust", "center", "zfill", "expandtabs", "fromisoformat",
    "replace_",
]  # fmt: skip
SAFE_METHOD_OWNERS = (str, dict, list, tuple, dt.date)
PLAIN = (type(None), bool, int, float, str, Decimal, dt.date, list, tuple, dict)

# name -> template. Each must be refused (RenderError), except those in HARMLESS.
ATTACKS = {
    "path_read_environ": "{{ config.workspace.joinpath('/proc/self/environ').read_bytes() }}",
    "path_read_text": "{{ config.narrative_dir.read_text() }}",
    "path_write_text": "{{ config.workspace.joinpath('pwned.txt').write_text('pwned') }}",
    "path_iterdir": "{{ config.workspace.parent.iterdir()|list }}",
    "path_open": "{{ config.output_dir.open('w') }}",
    "str_mro_subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "mro_call": "{{ config.workspace.__class__.mro() }}",
    "view_init_globals": "{{ fig.__init__.__globals__ }}",
    "view_fields": "{{ fig._sitrep_fields }}",
    "method_globals": "{{ fig.sources_of.__globals__ }}",
    "method_self": "{{ fig.sources_of._sitrep_call.__self__ }}",
    "method_not_exposed": "{{ fig.rows_used('displacement') }}",
    "attr_filter": "{{ fig|attr('__class__')|attr('__mro__') }}",
    "attr_filter_private": "{{ config|attr('_sitrep_fields') }}",
    "getitem_dunder": "{{ fig['__class__'] }}",
    "format_method": "{{ '{0.__class__.__init__.__globals__}'.format(fig) }}",
    "format_map": "{{ '{workspace}'.format_map(config) }}",
    "percent_mapping": "{{ '%(SITREP_SMTP_PASSWORD)s' % fig }}",
    "format_filter_width": "{{ '%099999999d'|format(1) }}",
    "percent_width": "{{ '%099999999d' % 1 }}",
    "cycler_globals": "{{ cycler.__init__.__globals__.os.environ }}",
    "joiner_globals": "{{ joiner.__init__.__globals__ }}",
    "namespace_globals": "{{ namespace.__init__.__globals__ }}",
    "lipsum": "{{ lipsum(100000) }}",
    "dict_subclasses": "{{ dict.__base__.__subclasses__() }}",
    "self_context": "{{ self._TemplateReference__context }}",
    "self_globals": "{{ self.__init__.__globals__ }}",
    "loop_globals": "{% for x in [1] %}{{ loop.__class__.__init__.__globals__ }}{% endfor %}",
    "loop_private": "{% for x in [1] %}{{ loop._iterator }}{% endfor %}",
    "translator_messages": "{{ t.messages }}",
    "translator_globals": "{{ t.__call__.__globals__ }}",
    "filter_result": "{{ (fig.report_date|long_date).__class__ }}",
    "markup_globals": "{{ charts.prices.__html_format__.__globals__ }}",
    "date_class": "{{ fig.report_date.__class__.__subclasses__() }}",
    "mutate_dict": "{{ narrative.sections.update({'overview': 'x'}) }}",
    "mutate_list": "{{ fig.routes.append(1) }}",
    "set_view_attribute": "{% set x = fig.__setattr__('country', 'x') %}",
    "range_huge": "{{ range(10**9)|list|length }}",
    "repeat_huge": "{{ 'x' * 10**9 }}",
    "power_huge": "{{ 2 ** (10 ** 8) }}",
    "center_huge": "{{ 'x'|center(10**9) }}",
    "batch_huge": "{{ [0]|batch(10**9, 0)|list|length }}",
    "slice_huge": "{{ []|slice(10**9)|list|length }}",
    "replace_huge": "{{ 'ab'|replace('', 'x' * 60000000) }}",
    "doubling": (
        "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}"
        "{% endfor %}{{ ns.s|length }}"
    ),
    "huge_output": "{% for i in range(100000) %}{{ 'x' * 10000 }}{% endfor %}",
    "huge_macro_output": (
        "{% macro m() %}{% for i in range(100000) %}{{ 'x' * 10000 }}{% endfor %}{% endmacro %}"
        "{{ m() }}"
    ),
    "nested_loops": (
        "{% for i in range(100000) %}\n{% for j in range(100000) %}{% endfor %}{% endfor %}"
    ),
    "recursive_macro": "{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}",
    "recursive_loop": "{% for x in [[1]] recursive %}{{ loop([[x]]) }}{% endfor %}",
    "self_include": "{% include 'report.html' %}",
    "percent_object": "{{ '%s %r' % (fig, config) }}",
    "pprint": "{{ config|pprint }}",
    "super_block": "{% extends 'base.html' %}{% block b %}{{ super.__self__ }}{% endblock %}",
}
HARMLESS = {"percent_object", "pprint"}  # they render, showing "<Figures>" and the settings
BASE = "{% block b %}base{% endblock %}"  # for super_block


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    """The context the sample report's templates are given, made as `build` makes it."""
    from sitrep.pipeline import prepare
    from sitrep.render.context import report_context
    from sitrep.report import BuildOptions
    from sitrep.settings.config import load_config

    ws = copy_workspace(tmp_path_factory.mktemp("ctx") / "ws")
    prepared = prepare(load_config(ws), None)
    (locale, config), *_ = prepared.editions.items()
    figures, narrative = prepared.figures[locale], prepared.narratives[locale]
    return report_context(config, figures, narrative, prepared.tables, 1, 0, BuildOptions(ws))


@pytest.fixture(scope="module")
def env():
    from sitrep.render.html import make_environment

    return make_environment([DEFAULT_TEMPLATES], "en")


def children(env, obj):
    """Every value a template can reach in one step from `obj`, through the sandbox's hooks."""
    names = set(DANGEROUS) | {n for n in dir(obj) if isinstance(n, str)}
    if isinstance(obj, PlainView):
        names |= set(plain_fields(obj))
    for name in sorted(names):
        for value in (env.getattr(obj, name), env.getitem(obj, name)):
            if not isinstance(value, jinja2.Undefined):
                yield f".{name}", value
    if isinstance(obj, dict):
        yield from ((f"[{k!r}]", v) for k, v in obj.items())
    elif isinstance(obj, list | tuple):
        yield from ((f"[{i}]", v) for i, v in enumerate(obj))
    elif isinstance(obj, PlainFunction):
        yield "('displacement')", obj("displacement")


def test_everything_a_template_can_reach_is_plain_data(context, env):
    plain = to_plain(context)
    todo, seen, reached = [("", plain)], set(), 0
    while todo:
        path, obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        reached += 1
        for step, value in children(env, obj):
            where = path + step
            if callable(value) and not isinstance(value, PlainFunction | type):
                # a bound method of plain data, on the sandbox's short list; not walked
                owner = getattr(value, "__self__", None)
                assert isinstance(owner, SAFE_METHOD_OWNERS), where
                assert step.lstrip(".") not in DANGEROUS, where
                continue
            assert isinstance(value, (*PLAIN, PlainView, PlainFunction)), (where, type(value))
            assert not isinstance(value, os.PathLike), where
            if isinstance(value, str):
                assert CANARY not in value
            else:
                todo.append((where, value))
    assert reached > 200  # the walk went through the whole report: figures, routes, map


def test_the_context_holds_no_path_and_no_mail_settings(context):
    plain = to_plain(context)
    assert isinstance(plain["config"].workspace, str)
    assert "email" not in plain_fields(plain["config"])
    assert "data" not in plain_fields(plain["attachments"][0])
    assert isinstance(plain["fig"].sources_of, PlainFunction)
    assert isinstance(plain["charts"]["prices"].wide, Markup)  # a drawing: markup sitrep made
    assert isinstance(plain["charts"]["prices"].description, str)


def test_anything_but_plain_data_is_refused_by_the_conversion():
    for bad in (open, os, Path.home, b"bytes", object(), lambda: 1):
        with pytest.raises(TypeError):
            to_plain({"x": bad})
    loop: list = []
    loop.append(loop)
    with pytest.raises(TypeError):
        to_plain(loop)


def theme(folder: Path, attack: str, partial: bool = False) -> Path:
    """A template folder whose report.html (or a partial, in a full report) is `attack`."""
    folder.mkdir(parents=True, exist_ok=True)
    if partial:
        (folder / "partials").mkdir(exist_ok=True)
        (folder / "partials" / "header.html").write_text(attack, encoding="utf-8")
    else:
        (folder / "report.html").write_text(attack, encoding="utf-8")
    (folder / "base.html").write_text(BASE, encoding="utf-8")
    return folder


def files_under(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file() and not p.is_symlink()
    }


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_each_attack_is_refused_or_harmless(name, context, tmp_path, monkeypatch):
    from sitrep.render.html import render_html

    monkeypatch.setenv("SITREP_SMTP_PASSWORD", CANARY)
    # 1 s, as in test_the_time_bound_interrupts_a_render: nested_loops spins until the bound
    # (every other attack is refused at once, the harmless ones render in milliseconds)
    monkeypatch.setenv("SITREP_RENDER_SECONDS", "1")
    monkeypatch.chdir(tmp_path)
    folder = theme(tmp_path / "ws" / "templates", ATTACKS[name])
    before = files_under(tmp_path)
    try:
        html = render_html(context, [folder, DEFAULT_TEMPLATES], "en")
    except RenderError as exc:
        assert name not in HARMLESS, exc
        assert "report.html" in str(exc) or "base.html" in str(exc), exc
    else:
        assert name in HARMLESS, f"{name} rendered: {html[:300]!r}"
        assert CANARY not in html
        assert "PosixPath" not in html and "environ" not in html
    assert files_under(tmp_path) == before  # nothing written, nowhere


def test_a_template_error_names_the_partial_and_line(context, tmp_path):
    from sitrep.render.html import render_html

    folder = theme(tmp_path / "ws" / "templates", "ok\n{{ fig.__class__ }}", partial=True)
    (folder / "report.html").write_text("{% include 'partials/header.html' %}")
    with pytest.raises(RenderError, match=r"partials/header\.html, line 2: .*unsafe"):
        render_html(context, [folder, DEFAULT_TEMPLATES], "en")


def test_the_time_bound_interrupts_a_render(context, tmp_path, monkeypatch):
    from sitrep.render.html import render_html

    monkeypatch.setenv("SITREP_RENDER_SECONDS", "1")
    folder = theme(tmp_path / "ws" / "templates", ATTACKS["nested_loops"])
    with pytest.raises(RenderError, match=r"report\.html, line 2: .*more than 1 s"):
        render_html(context, [folder, DEFAULT_TEMPLATES], "en")
    # and the interrupt is not left pending in this thread
    assert sum(range(10**6)) > 0


def test_the_memory_bound_is_lifted_after_the_render(context, tmp_path):
    import resource

    from sitrep.render.html import render_html

    before = resource.getrlimit(resource.RLIMIT_AS)
    folder = theme(tmp_path / "ws" / "templates", ATTACKS["doubling"])
    with pytest.raises(RenderError, match=r"too much memory|too far"):
        render_html(context, [folder, DEFAULT_TEMPLATES], "en")
    assert resource.getrlimit(resource.RLIMIT_AS) == before


# --- through the real CLI ---------------------------------------------------------------------

CLI_ATTACKS = [
    "path_read_environ",
    "path_write_text",
    "path_iterdir",
    "format_method",
    "cycler_globals",
    "self_context",
    "nested_loops",
    "recursive_macro",
    "huge_output",
    "doubling",
]


def run_build(ws: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "SITREP_SMTP_PASSWORD": CANARY,
        "SITREP_RENDER_SECONDS": "5",
        "SITREP_CACHE_DIR": str(tmp_path / "cache"),
        # refused before layout: no PDF helper process (WeasyPrint's import, 0.4 CPU s)
        "SITREP_PDF_IN_PROCESS": "1",
    }
    command = [sys.executable, "-m", "sitrep", "--workspace", str(ws), "build", *args]
    # the address-space limit guards this machine should a bound ever fail
    return subprocess.run(
        ["prlimit", f"--as={4 * 1024**3}", *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def build_in_process(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seconds: str = "5"
) -> subprocess.CompletedProcess:
    """`sitrep build` through the command line's own group (exit code, stdout and stderr as
    the script gives them) in this process: ~1.1 CPU s of imports cheaper than `run_build`.
    The render's bounds (time, memory, output) are the same code either way."""
    monkeypatch.setenv("SITREP_SMTP_PASSWORD", CANARY)
    monkeypatch.setenv("SITREP_RENDER_SECONDS", seconds)
    monkeypatch.setenv("SITREP_CACHE_DIR", str(tmp_path / "cache"))
    return completed(sitrep("--workspace", str(ws), "build"), "build")


def assert_canary_nowhere(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert CANARY.encode() not in path.read_bytes(), path
            if path.suffix == ".pdf":
                assert CANARY not in pdf_text(path)


# In a subprocess: this attack reads /proc/self/environ, which holds the canary only in a
# process started with it (monkeypatch.setenv changes os.environ, not that file).
IN_A_PROCESS = {"path_read_environ"}


@pytest.mark.parametrize("name", CLI_ATTACKS)
@pytest.mark.slow
def test_sitrep_build_refuses_each_attack(name, tmp_path, monkeypatch):
    ws = copy_workspace(tmp_path / "ws")
    # the rest in-process, in the quick workspace: the attacks are in the header partial, and
    # what is asserted is the refusal, its message and that nothing is written; 1 s of time
    # bound for nested_loops (the only attack that meets it: it spins until then)
    if name not in IN_A_PROCESS:
        quicken(ws)
    theme(ws / "templates", ATTACKS[name], partial=True)
    before = files_under(tmp_path)
    if name in IN_A_PROCESS:
        done = run_build(ws, tmp_path)
    else:
        done = build_in_process(ws, tmp_path, monkeypatch, seconds="1")
    assert done.returncode == 1, done.stderr
    assert "partials/header.html, line" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "Internal error" not in done.stderr + done.stdout
    assert CANARY not in done.stderr + done.stdout
    after = files_under(tmp_path)
    new = sorted(set(after) - set(before))
    lock = str(ws / "output" / ".issued.lock")  # the issue lock (empty), taken to number it
    assert [p for p in new if not p.startswith(str(tmp_path / "cache")) and p != lock] == []
    assert not (ws / "pwned.txt").exists()
    assert_canary_nowhere(tmp_path)


@pytest.mark.slow
def test_a_harmless_template_builds_and_shows_no_secret(tmp_path, monkeypatch):
    # in-process and quick: what is asserted is the PDF's and the files' content
    ws = quicken(copy_workspace(tmp_path / "ws"))
    from sitrep.settings.config import DEFAULT_TEMPLATES

    header = (DEFAULT_TEMPLATES / "partials" / "header.html").read_text(encoding="utf-8")
    probe = "<p>{{ '%s %s' % (fig, config.workspace) }} {{ config|pprint }}</p>\n"
    (ws / "templates" / "partials").mkdir(exist_ok=True)  # the workspace's override of it
    (ws / "templates" / "partials" / "header.html").write_text(probe + header, encoding="utf-8")
    done = build_in_process(ws, tmp_path, monkeypatch)
    assert done.returncode == 0, done.stderr
    pdfs = list((ws / "output").rglob("*.pdf"))
    assert len(pdfs) == 1
    text = pdf_text(pdfs[0])
    assert "&lt;Figures&gt;" in pdfs[0].with_suffix(".html").read_text() or "<Figures>" in text
    assert CANARY not in text
    assert_canary_nowhere(tmp_path)


# --- the preview ------------------------------------------------------------------------------


def test_the_preview_shows_an_attack_as_a_problem(tmp_path, monkeypatch):
    from sitrep.preview.live import LiveReports

    monkeypatch.setenv("SITREP_SMTP_PASSWORD", CANARY)
    ws = quicken(copy_workspace(tmp_path / "ws"))  # quick: the panel, not the tables
    theme(ws / "templates", ATTACKS["path_read_environ"], partial=True)
    live = LiveReports(ws, build_report)
    snap = live.snapshot(None)
    assert snap.content is None and snap.errors == 1
    message = snap.problems[0]["message"]
    assert "partials/header.html, line 1" in message and "joinpath" in message
    assert CANARY not in str(snap.as_json())
    # fixed on disk: the next render is good
    (ws / "templates" / "partials" / "header.html").unlink()
    live.start()  # the render thread renders again at once, as after a save
    try:
        fixed = live.wait(None, snap.version, timeout=120)
    finally:
        live.close()
    assert fixed is not None and fixed.content is not None


def test_the_preview_survives_a_render_that_never_ends(tmp_path, monkeypatch):
    """The render thread is interrupted, says so in the panel, and renders the next save."""
    from sitrep.preview.live import LiveReports

    monkeypatch.setenv("SITREP_RENDER_SECONDS", "1")
    ws = quicken(copy_workspace(tmp_path / "ws"))  # quick: the panel, not the tables
    theme(ws / "templates", ATTACKS["nested_loops"], partial=True)
    live = LiveReports(ws, build_report)
    live.start()
    try:
        first = live.wait(None, 0, timeout=120)
        assert first is not None and first.errors == 1
        assert "partials/header.html, line 2" in first.problems[0]["message"]
        assert "more than 1 s" in first.problems[0]["message"]
        (ws / "templates" / "partials" / "header.html").unlink()
        live.changed()
        second = live.wait(None, first.version, timeout=120)
        assert second is not None and second.errors == 0 and second.content is not None
    finally:
        live.close()
