"""Shared fixtures: the sample workspace copied to a temporary folder, built once per session;
and what makes a test slow, checked (`make test-fast` runs the tests not marked slow)."""

from __future__ import annotations

import dataclasses
import multiprocessing.process
import os
import re
import shutil
import sys
import tomllib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest

import sitrep.pdf.build
from sitrep.issue.results import BuildResult

ROOT = Path(__file__).resolve().parent.parent  # the repository
FIXTURES = ROOT / "tests" / "fixtures"
T = TypeVar("T")


# --- slow tests ----------------------------------------------------------------------------------
# `make test-fast` leaves out the tests marked `@pytest.mark.slow`. Whether a test is slow is not
# left to judgement: one that starts a process (sitrep, the PDF helper, a browser, LibreOffice,
# pdftotext) or lays a PDF out with WeasyPrint, in itself or in the fixtures it is the first to
# use, fails unless it is marked. So the fast run stays fast as tests are added, without timing.
_RUNNING: list[pytest.Item] = []  # the test being set up, run or torn down in this process


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    _RUNNING[:] = [item]
    try:
        return (yield)
    finally:
        _RUNNING.clear()


def _only_if_slow(what: str) -> None:
    if _RUNNING and _RUNNING[0].get_closest_marker("slow") is None:
        pytest.fail(  # not an Exception: sitrep's fallbacks do not catch it
            f"{_RUNNING[0].nodeid} {what}: mark it @pytest.mark.slow (make test-fast leaves "
            "it out), or make it a unit test that does not",
            pytrace=False,
        )


def _audit(event: str, _args: tuple) -> None:
    if event in ("subprocess.Popen", "os.posix_spawn", "os.exec", "os.fork"):
        _only_if_slow("starts a process")


sys.addaudithook(_audit)
_start_process = multiprocessing.process.BaseProcess.start
_lay_out = sitrep.pdf.build.html_to_pdf


def _guarded_start(self: multiprocessing.process.BaseProcess) -> None:
    _only_if_slow("starts a process")
    _start_process(self)


def _guarded_lay_out(*args, **kwargs):  # type: ignore[no-untyped-def]
    _only_if_slow("lays a PDF out")
    return _lay_out(*args, **kwargs)


multiprocessing.process.BaseProcess.start = _guarded_start  # type: ignore[method-assign]
sitrep.pdf.build.html_to_pdf = _guarded_lay_out


# --- order ---------------------------------------------------------------------------------------
# The modules holding the longest tests (`pytest --durations`, December 2026) run first, each
# module whole and in its own order (its module-scoped fixtures made once): with `--dist
# worksteal` each worker starts on its share of the list and takes from the others' ends when
# done, so the short tests at the end fill in and the workers end together, not one waiting for a
# long test another started last.
LONGEST_FIRST = (
    "issue/test_issue_crash.py",
    "render/test_word.py",
    "report/test_report_languages.py",
    "inputs/test_boundaries.py",
    "preview/test_preview_axe.py",
    "preview/test_preview_browser.py",
    "issue/test_issue_content.py",
    "issue/test_batch.py",
    "issue/test_issue_lock.py",
    "workspace/test_init_workspace.py",
    "security/test_security_e2e.py",
    "report/test_languages_run.py",
    "security/test_security_cod_limits.py",
    "issue/test_cache.py",
    "issue/test_issue_numbers.py",
    "pdf/test_report_pdfua.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {f"tests/{name}": place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


def copy_workspace(target: Path) -> Path:
    """A copy of the repository's sample workspace (without its output)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "sitrep.toml", target / "sitrep.toml")
    shutil.copytree(ROOT / "inputs", target / "inputs")
    shutil.copytree(ROOT / "templates", target / "templates")
    return target


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A fresh copy of the sample workspace, for a test that changes or builds it."""
    return copy_workspace(tmp_path / "ws")


def pdf_text(path: Path) -> str:
    """The text of a PDF, as poppler's pdftotext reads it (whitespace folded)."""
    import subprocess

    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def catalogue(language: str) -> dict[str, str]:
    """sitrep's own catalogue file of `language` alone, read here (load_messages would fill its
    gaps with English): dotted keys, a plural entry's forms as `key.one`, `key.other`."""
    data = tomllib.loads((ROOT / "sitrep/templates/i18n" / f"{language}.toml").read_text("utf-8"))

    def flat(table: dict, prefix: str) -> dict[str, str]:
        keys: dict[str, str] = {}
        for key, value in table.items():
            if isinstance(value, dict):
                keys.update(flat(value, f"{prefix}{key}."))
            else:
                keys[prefix + key] = str(value)
        return keys

    return flat(data, "")


def once_per_run(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], T]) -> T:
    """`make(folder)` once for the whole run, its result shared by every test process: a
    session fixture is otherwise made again in each of pytest-xdist's processes (3 on 2 CPUs),
    a whole report each time. The first process to ask makes it in a folder they all see (the
    run's base folder, as pytest-xdist's documentation does it) while the others wait on a file
    lock, then read what it returned (pickled). What it makes is read-only for the tests."""
    import pickle

    from filelock import FileLock

    base = factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, made = root / f"once-{name}", root / f"once-{name}.pickle"
    with FileLock(root / f"once-{name}.lock"):
        if made.is_file():
            return pickle.loads(made.read_bytes())
        shutil.rmtree(folder, ignore_errors=True)  # a make that failed in another process
        folder.mkdir()
        result = make(folder)
        made.write_bytes(pickle.dumps(result))
        return result


def _built(folder: Path, locale: str | None = None) -> tuple[Path, BuildResult]:
    """The sample workspace copied into `folder` (in `locale`) and built: what was made from it
    (`prepared`) left out, which no test reads and a test process does not share."""
    from sitrep.report import BuildOptions, build_report

    ws = copy_workspace(folder / "ws")
    if locale is not None:
        settings = ws / "sitrep.toml"
        text = settings.read_text("utf-8")
        settings.write_text(re.sub(r'(?m)^locale = "\w+"', f'locale = "{locale}"', text), "utf-8")
    return ws, dataclasses.replace(build_report(BuildOptions(workspace=ws)), prepared=None)


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    """The sample workspace built once for the whole run (`once_per_run`): (workspace,
    BuildResult).

    Tests that only read the sample report share it; do not modify this workspace.
    """
    return once_per_run(tmp_path_factory, "sample", _built)


def quicken(workspace: Path) -> Path:
    """The sample workspace without the prices, indicators, response, needs and funding tables
    and the situation map: the same dates, numbers, displacement, renames and record in a build
    a quarter quicker (2.8 instead of 3.7 CPU s), for tests of the issue (numbers, locks,
    crashes, revisions) that build it several times and assert nothing of those tables."""
    settings = workspace / "sitrep.toml"
    text = settings.read_text("utf-8")
    for table in ("prices", "indicators", "response", "needs", "funding"):
        text = re.sub(rf"(?m)^{table} = .*\n", "", text)
    text = re.sub(r"(?ms)^\[indicators\.\w+\].*?(?=^\[)", "", text)  # read from that table
    text = re.sub(r"(?m)^boundaries = .*\n", "", text)
    settings.write_text(text, "utf-8")
    return workspace


@pytest.fixture
def quick(workspace: Path) -> Path:
    """A fresh copy of the sample workspace, quickened (`quicken`)."""
    return quicken(workspace)


@pytest.fixture
def issued(workspace: Path, built_sample) -> Path:
    """A fresh copy of the sample workspace whose report is already issued (the session's
    build's output copied in), so that `build`, `send` and `publish` take the issued report
    instead of making it again. A change of what never prints (`[email]`, `[publish]`, the
    partners) keeps it issued; a change of what prints makes a new one, as in any workspace."""
    shutil.copytree(built_sample[0] / "output", workspace / "output")
    return workspace


@pytest.fixture(scope="session")
def arabic_built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    """The sample workspace in Arabic (`locale = "ar"`: right to left), built once for the
    run (`once_per_run`): (workspace, BuildResult). Do not modify it."""
    return once_per_run(tmp_path_factory, "arabic", partial(_built, locale="ar"))


@pytest.fixture(scope="session")
def sample_text(built_sample) -> str:
    return pdf_text(built_sample[1].pdf)


@pytest.fixture(scope="session")
def haiti(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Haiti workspace (tests/haiti_workspace.py), made once; do not modify it."""
    from tests.haiti_workspace import make_haiti

    return once_per_run(tmp_path_factory, "haiti", make_haiti)


@pytest.fixture(scope="session")
def haiti_built(haiti: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Haiti workspace's report of its day, built once for the run: the PDF."""
    from tests.haiti_workspace import build

    return once_per_run(tmp_path_factory, "haiti-built", lambda _: build(haiti))


@pytest.fixture(scope="session")
def haiti_departments(
    haiti: Path, haiti_built: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[Path]:
    """`build --each area --draft` of the Haiti workspace, once for the run, after its own
    report."""
    from tests.haiti_workspace import build_departments

    return once_per_run(tmp_path_factory, "haiti-areas", lambda _: build_departments(haiti))


CHROMIUM = "/usr/bin/chromium"  # Debian's package, installed by `make test`
# Without these, Chromium tries Google's services at start and this machine refuses them.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (the system's), driven by Playwright; one for the whole session.

    No skip when it is missing: `make test` installs it, and a browser test that silently
    skips would let a broken preview pass.
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


# --- speed-office ---------------------------------------------------------------------------------
# A build lays its PDF out in a helper process only while WeasyPrint is not imported in the
# building process (`sitrep.pdf.pool.PdfProcess`: the helper imports it in parallel with a fresh
# `sitrep` process's own work). A test process is no fresh process: without this, each build of
# each test spawned a helper that imported WeasyPrint again (0.4 CPU s a build, a third of a quick
# one). Imported once per test process, before its first slow test (the others build nothing),
# every build in it lays its PDF out in this process, as the product does wherever WeasyPrint is
# already imported. The `sitrep` processes that tests start are fresh and keep their helper;
# tests of the helper ask for one (`PdfProcess(helper=True)`).
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("slow") is not None and "weasyprint" not in sys.modules:
        import weasyprint  # noqa: F401  (the import is the point)
