"""What the template sandbox costs a build: the plain-data conversion, and the bounded render.

`.venv/bin/python bench/bench_sandbox.py` on a copy of the sample workspace: the context the
templates get, as `build` makes it, then (CPU time, median of 40, alternated)
- `sitrep.render.plain.to_plain` of that context;
- the render as sitrep does it (`render_html`: conversion, `SitrepSandbox`, the time, memory
  and size bounds), the templates compiled once;
- the same templates rendered by Jinja's plain `SandboxedEnvironment` with the unconverted
  context, as sitrep did before (the same filters and globals).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import jinja2.sandbox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sitrep.render.html
from sitrep.render.document import render_report
from sitrep.render.plain import to_plain
from sitrep.report import BuildOptions
from sitrep.settings.config import load_config, template_dirs
from tests.conftest import copy_workspace


def context_of(ws: Path) -> tuple[dict, list[Path], str]:
    seen: dict = {}
    real = sitrep.render.html.render_html

    def capture(ctx, dirs, locale, env=None):
        seen.update(ctx)
        return real(ctx, dirs, locale, env)

    config = load_config(ws)
    dirs = template_dirs(config.templates_dir)
    sitrep.render.html.render_html = capture
    try:
        render_report(config, BuildOptions(ws), dirs, lambda day: (1, 0))
    finally:
        sitrep.render.html.render_html = real
    return seen, dirs, config.locale


def median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1e3:.2f} ms (min {min(samples) * 1e3:.2f})"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        context, dirs, locale = context_of(copy_workspace(Path(tmp) / "ws"))
        env = sitrep.render.html.make_environment(dirs, locale)
        before = jinja2.sandbox.SandboxedEnvironment(
            loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        before.filters.update(env.filters)
        before.globals.update(env.globals)
        old = before.get_template("report.html")
        assert sitrep.render.html.render_html(context, dirs, locale, env) == old.render(**context)
        convert, new, plain = [], [], []
        for _ in range(40):
            start = time.process_time()
            to_plain(context)
            convert.append(time.process_time() - start)
            start = time.process_time()
            sitrep.render.html.render_html(context, dirs, locale, env)
            new.append(time.process_time() - start)
            start = time.process_time()
            old.render(**context)
            plain.append(time.process_time() - start)
    print(f"to_plain of the sample's context      {median_ms(convert)}")
    print(f"render_html (sandbox, bounds)         {median_ms(new)}")
    print(f"Jinja's SandboxedEnvironment, before  {median_ms(plain)}")


if __name__ == "__main__":
    main()
