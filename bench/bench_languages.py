"""Issue 15's speed target: a second language costs at most 0.6x a one-language build.

    .venv/bin/python bench/bench_languages.py [--repeat 5]

Two copies of the sample workspace: one in English alone, one with `languages = ["fr", "en"]`
(both narratives are the sample's, in inputs/narrative/fr/ and en/). Each is built with
`sitrep build --force` in a fresh process, alternating, and reduced to the median; the extra
cost of the second language is (bilingual - single) / single.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(BENCH.parent))

from bench_build import sitrep_cmd  # noqa: E402
from measure import checked, compile_sitrep, machine, median, run  # noqa: E402
from scaled import make_workspace  # noqa: E402

TARGET = 0.6


def _workspace(target: Path, languages: str | None) -> Path:
    ws = make_workspace(target)
    if languages:
        toml = (ws / "sitrep.toml").read_text()
        (ws / "sitrep.toml").write_text(
            re.sub(r'(?m)^locale = "en".*$', f"languages = {languages}", toml)
        )
        narrative = ws / "inputs" / "narrative"
        for language in ("fr", "en"):
            (narrative / language).mkdir()
            for day in narrative.glob("*.md"):
                shutil.copy(day, narrative / language / day.name)
    return ws


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    compile_sitrep()
    with tempfile.TemporaryDirectory() as tmp:
        single = _workspace(Path(tmp) / "single", None)
        both = _workspace(Path(tmp) / "both", '["fr", "en"]')
        times: dict[Path, list[float]] = {single: [], both: []}
        for ws in (single, both):  # the first build issues the report: not timed
            checked(run(sitrep_cmd("-w", str(ws), "build")), "build")
        for _ in range(args.repeat):
            for ws in (single, both):
                result = checked(run(sitrep_cmd("-w", str(ws), "build", "--force")), "build")
                times[ws].append(result.seconds)
        one, two = median(times[single]), median(times[both])
    extra = (two - one) / one
    print(f"machine: {machine()}")
    print(f"one language (en):       {one:.3f} s  (median of {args.repeat})")
    print(f"two languages (fr, en):  {two:.3f} s")
    verdict = "met" if extra <= TARGET else "NOT met"
    print(f"second language: +{two - one:.3f} s = {extra:.2f}x (target <= {TARGET}x): {verdict}")


if __name__ == "__main__":
    main()
