"""The package's shape, checked: stages as packages, small modules, no cycles, no private reach.

Issue 18's rules, read from the source tree with `ast` (nothing imported): a newcomer finds a
stage by its folder, and these keep it so.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "sitrep"
MAX_LINES = 400
# Beside the stage packages: the package itself, `python -m sitrep`, the command line, one
# build's run order (report), the first steps every command shares (pipeline: prepare), the
# errors every stage raises, and atomic file writes.
TOP_LEVEL = {"__init__", "__main__", "cli", "report", "pipeline", "errors", "files"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


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

    visit(ast.parse(path.read_text("utf-8")).body)
    return found


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        targets = set()
        for module, names in imports(path):
            for candidate in [f"{module}.{n}" for n in names] or [module]:
                target = candidate if candidate in MODULES else module
                if target in MODULES and target != name:
                    targets.add(target)
        edges[name] = targets
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in edges[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in edges:
        if node not in index:
            visit(node)
    return found


def test_every_module_is_under_the_size_limit() -> None:
    long = {n: len(p.read_text("utf-8").splitlines()) for n, p in MODULES.items()}
    assert {n: lines for n, lines in long.items() if lines >= MAX_LINES} == {}


def test_beside_the_stage_packages_only_a_handful_of_modules() -> None:
    top = {p.stem for p in PACKAGE.glob("*.py")}
    assert top <= TOP_LEVEL, f"move {sorted(top - TOP_LEVEL)} into the stage it belongs to"


def test_every_module_and_package_says_what_it_owns() -> None:
    missing = [n for n, p in MODULES.items() if not ast.get_docstring(ast.parse(p.read_text()))]
    assert missing == []


def test_no_import_cycle_even_through_imports_inside_functions() -> None:
    assert cycles(graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


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
    """The library imports at module level; deferral lives in cli.py (a fast `--help`) and in
    the few places a comment beside the import says why (a platform module, WeasyPrint kept out
    of the main process while the PDF helper warms up)."""
    deferred = []
    for name, path in MODULES.items():
        if name == "sitrep.cli":
            continue
        source = path.read_text("utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    line = lines[inner.lineno - 1]
                    above = lines[inner.lineno - 2] if inner.lineno > 1 else ""
                    if "#" not in line and not above.strip().startswith("#"):
                        deferred.append(f"{name}:{inner.lineno}: {line.strip()}")
    assert deferred == []


def test_every_broad_except_says_why() -> None:
    """`except Exception` (or wider) hides sitrep's bugs unless a reason is written beside it."""
    silent = []
    for name, path in MODULES.items():
        lines = path.read_text("utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
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
