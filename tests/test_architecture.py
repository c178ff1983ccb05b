"""The package's shape, checked: stages as packages, small modules, no cycles, no private reach.

The stage order itself is import-linter's contract in pyproject.toml, run by `make test`
(`lint-imports`); a test here shows it fails on an upward import. The other rules are read from
the source tree with `ast` (nothing imported): a newcomer finds a stage by its folder, and these
keep it so.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "sitrep"
MAX_LINES = 400
# Beside the stage packages: the package itself, `python -m sitrep`, one build's run order
# (report), the first steps every command shares (pipeline: prepare), and the leaves every
# stage shares: the problems it finds, the errors it raises, atomic file writes, the durable
# records' database and lock (durable), and what each input table holds (tableschema). The
# command line is a package of its own, `cli/`.
TOP_LEVEL = {
    "__init__",
    "__main__",
    "report",
    "pipeline",
    "problems",
    "errors",
    "files",
    "durable",
    "tableschema",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@functools.cache
def parsed(path: Path) -> ast.Module:
    """The module's tree, parsed once for all the tests here (they only read it): parsing the
    package is most of their time."""
    return ast.parse(path.read_text("utf-8"))


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every import in the file, function-level ones included, except those
    under `if TYPE_CHECKING:` (annotations only: never run)."""
    found: list[tuple[str, list[str]]] = []

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.ImportFrom) and node.module:
                found.append((node.module, [a.name for a in node.names]))
            elif isinstance(node, ast.Import):
                found.extend((a.name, []) for a in node.names)
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    visit([child])

    visit(parsed(path).body)
    return found


def test_every_module_is_under_the_size_limit() -> None:
    long = {n: len(p.read_text("utf-8").splitlines()) for n, p in MODULES.items()}
    assert {n: lines for n, lines in long.items() if lines >= MAX_LINES} == {}


def test_beside_the_stage_packages_only_a_handful_of_modules() -> None:
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top <= TOP_LEVEL, f"move {sorted(top - TOP_LEVEL)} into the stage it belongs to"


def test_every_module_and_package_says_what_it_owns() -> None:
    missing = [n for n, p in MODULES.items() if not ast.get_docstring(parsed(p))]
    assert missing == []


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's contracts (pyproject.toml) checked on the package under `root`."""
    env = {**os.environ, "PYTHONPATH": str(root)}  # before the installed sitrep
    tool = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(tool), "--no-cache"], cwd=root, env=env, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    "where, line",
    [
        # a settings module reaching up to the top layer, from inside a function
        ("settings/config.py", "def _up():\n    from sitrep.report import build_report\n"),
        # an annotation-only import still counts: it is how module cycles hid before
        ("validate/table.py", "if TYPE_CHECKING:\n    from sitrep.figures import compute\n"),
    ],
)
@pytest.mark.slow
def test_the_stage_contract_fails_on_an_upward_import(tmp_path, where, line) -> None:
    shutil.copytree(PACKAGE, tmp_path / "sitrep", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    assert lint_imports(tmp_path).returncode == 0, "the contract holds on the real tree"
    module = tmp_path / "sitrep" / where
    source = module.read_text("utf-8")
    module.write_text(f"from typing import TYPE_CHECKING\n{source}\n{line}", "utf-8")
    broken = lint_imports(tmp_path)
    assert broken.returncode == 1
    assert "Stages in order: no package imports a later stage BROKEN" in broken.stdout


def test_no_private_name_crosses_a_module_boundary() -> None:
    reached = [
        f"{name}: from {module} import {n}"
        for name, path in MODULES.items()
        for module, names in imports(path)
        if module.startswith("sitrep")
        for n in names
        if n.startswith("_") and not n.startswith("__")
    ]
    assert reached == []


def test_imports_stay_at_the_top_except_at_the_command_line_edge() -> None:
    """The library imports at module level; deferral lives in the command line, `sitrep.cli` (a
    fast `--help`), and in the few places a comment beside the import says why (a platform
    module, WeasyPrint kept out of the main process while the PDF helper warms up, the stages
    kept out of an unchanged build)."""
    deferred = []
    for name, path in MODULES.items():
        if name == "sitrep.cli" or name.startswith("sitrep.cli."):
            continue
        source = path.read_text("utf-8")
        lines = source.splitlines()
        for node in ast.walk(parsed(path)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    line = lines[inner.lineno - 1]
                    above = lines[inner.lineno - 2] if inner.lineno > 1 else ""
                    if "#" not in line and not above.strip().startswith("#"):
                        deferred.append(f"{name}:{inner.lineno}: {line.strip()}")
    assert deferred == []


def test_only_the_command_line_imports_click() -> None:
    """The stages report progress through plain callbacks and print through the `echo` they
    are given: click, a terminal's concern, stays in `sitrep.cli`."""
    reaching = [
        name
        for name, path in MODULES.items()
        if name != "sitrep.cli" and not name.startswith("sitrep.cli.")
        for module, _ in imports(path)
        if module == "click" or module.startswith("click.")
    ]
    assert reaching == []


def test_every_broad_except_says_why() -> None:
    """`except Exception` (or wider) hides sitrep's bugs unless a reason is written beside it."""
    silent = []
    for name, path in MODULES.items():
        lines = path.read_text("utf-8").splitlines()
        for node in ast.walk(parsed(path)):
            if not isinstance(node, ast.ExceptHandler):
                continue
            caught = ast.unparse(node.type) if node.type else "everything"
            if (
                caught in {"everything", "Exception", "BaseException"}
                and "#" not in lines[node.lineno - 1]
            ):
                silent.append(f"{name}:{node.lineno}: except {caught}")
    assert silent == []


def test_the_readme_names_every_package_and_module() -> None:
    """README's "How it is built" table: a row per stage package, naming each of its modules."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## How it is built", 1)[1].split("\n## ", 1)[0]
    rows = {
        m.group(1): set(re.findall(r"`(\w+)\.py`", m.group(2)))
        for m in re.finditer(r"^\| `(\w+)/` \| (.*) \|$", section, re.M)
    }
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert sorted(rows) == sorted(packages)
    unnamed = {
        package: sorted(
            p.stem
            for p in (PACKAGE / package).glob("*.py")
            if p.stem != "__init__" and p.stem not in named
        )
        for package, named in rows.items()
    }
    assert {k: v for k, v in unnamed.items() if v} == {}
    top = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert top <= set(re.findall(r"`(\w+)\.py`", section.split("At the top:", 1)[1]))


# Modules a Windows Python does not have. sitrep must import there (WeasyPrint's own install
# is the user's business): its locks are filelock's, which picks the system's kind itself.
POSIX_ONLY = ("fcntl", "termios", "resource", "pwd", "grp")
IMPORT_ALL = """
import importlib, pkgutil, sys
for name in sys.argv[1:]:
    sys.modules[name] = None  # `import fcntl` now fails, as on Windows
import sitrep
for module in pkgutil.walk_packages(sitrep.__path__, "sitrep."):
    importlib.import_module(module.name)
"""


@pytest.mark.slow  # imports every module in a fresh process: not in make test-fast
def test_every_module_imports_without_the_posix_only_modules() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, *POSIX_ONLY], env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
