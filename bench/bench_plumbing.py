"""Issue 29's figures: a fresh build against WeasyPrint's floor, an unchanged rebuild, `--help`,
`validate` stopped by a bad setting and `send --status`, each optionally beside another tree of
sitrep (`--before DIR`: a checkout of an earlier commit), runs alternated.

    .venv/bin/python bench/bench_plumbing.py [--repeat N] [--before DIR]

Every figure is a fresh process (`python -m sitrep` with the tree first on PYTHONPATH, its
bytecode compiled beforehand: the environment may forbid writing it), median of N, with its
peak memory (kernel's ru_maxrss of the main process). The floor is `bench/floor.py` on the
HTML of the build's own PDF, checked byte for byte (bench_build.bench_sample's method), taken
by another process of this script: this one imports nothing of sitrep, since Linux reports a
child's peak memory as at least its parent's size when it was forked.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import sys
import tempfile
from pathlib import Path

from measure import Run, machine, median, run
from scaled import make_workspace

ROOT = Path(__file__).resolve().parent.parent


def sitrep(tree: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    """`python -m sitrep ARGS` of `tree`, and its environment."""
    return [sys.executable, "-m", "sitrep", *args], {"PYTHONPATH": str(tree)}


def timed(tree: Path, *args: str, ok: tuple[int, ...] = (0,)) -> Run:
    cmd, env = sitrep(tree, *args)
    result = run(cmd, cwd=tree, env=env)  # `-m` puts the current folder first: the tree's
    if result.returncode not in ok:
        raise RuntimeError(f"{cmd} exited {result.returncode}:\n{result.stderr[-2000:]}")
    return result


def summary(runs: list[Run]) -> dict:
    return {
        "median_s": round(median([r.seconds for r in runs]), 3),
        "runs_s": [round(r.seconds, 3) for r in runs],
        "peak_mb": round(max(r.peak_mb for r in runs), 1),
    }


def bad_settings(target: Path) -> Path:
    target.mkdir(parents=True)
    text = (ROOT / "sitrep.toml").read_text("utf-8")
    bad = re.sub(r"(?m)^household_size = .*$", 'household_size = "seven"', text)
    (target / "sitrep.toml").write_text(bad, "utf-8")
    return target


def floor(workspace: Path) -> Run:
    """WeasyPrint alone on the HTML of the workspace's last PDF: bench_build's floor, run by
    another process of this script."""
    result = run([sys.executable, __file__, "--floor", str(workspace)])
    if result.returncode:
        raise RuntimeError(f"the floor failed:\n{result.stderr[-2000:]}")
    seconds, peak = json.loads(result.stdout)
    return Run(seconds, peak, peak, 0, "", "")


def _floor_here(workspace: Path) -> None:
    from bench_build import _floor

    pdf = sorted((workspace / "output").glob("*/*.pdf"))[-1]
    measured = _floor(workspace, [pdf])[0]
    print(json.dumps([measured.seconds, measured.peak_mb]))


def bench(trees: dict[str, Path], repeat: int, tmp: Path) -> dict:
    for tree in trees.values():
        compileall.compile_dir(tree / "sitrep", quiet=1)
    spaces = {name: make_workspace(tmp / name) for name in trees}
    bad = bad_settings(tmp / "bad")
    for name, tree in trees.items():  # issued once: the rebuilds find it unchanged
        timed(tree, "-w", str(spaces[name]), "build")
    runs: dict[str, dict[str, list[Run]]] = {n: {} for n in trees}
    floors: list[Run] = []
    cases = {
        "build --force": lambda ws: ("-w", str(ws), "build", "--force"),
        "build, unchanged": lambda ws: ("-w", str(ws), "build"),
        "--help": lambda ws: ("--help",),
        "validate, bad setting": lambda ws: ("-w", str(bad), "validate"),
        "send --status": lambda ws: ("-w", str(ws), "send", "--status"),
    }
    for _ in range(repeat):
        for case, args in cases.items():
            for name, tree in trees.items():
                ok = (1,) if case.startswith("validate") else (0,)
                runs[name].setdefault(case, []).append(timed(tree, *args(spaces[name]), ok=ok))
        floors.append(floor(spaces["now"]))
    result = {n: {c: summary(r) for c, r in cases_.items()} for n, cases_ in runs.items()}
    result["floor"] = summary(floors)
    for name in trees:
        build = result[name]["build --force"]["median_s"]
        result[name]["build / floor"] = round(build / result["floor"]["median_s"], 3)
    unchanged = runs["now"]["build, unchanged"][-1]
    if "unchanged" not in unchanged.stderr:
        raise RuntimeError(f"the rebuild was not the issued report:\n{unchanged.stderr}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--before", type=Path, help="another sitrep tree, measured in turns")
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)  # the floor's process
    args = parser.parse_args()
    if args.floor:
        _floor_here(args.floor)
        return
    trees = {"now": ROOT}
    if args.before:
        trees["before"] = args.before.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        result = bench(trees, args.repeat, Path(tmp))
    result["machine"] = machine()
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
