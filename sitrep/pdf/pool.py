"""Processes that lay out PDFs, started before they are needed: the one helper of a build
(`PdfProcess`) and the workers of the per-area batch (`start_pool`).

Both are `concurrent.futures.ProcessPoolExecutor`s of spawned processes (no state of this
process copied: safe with the threads pandas and Pango start, and the same on every platform),
started at once so that WeasyPrint's import in them (a quarter of a build) overlaps this
process's own work: pandas' import, validation, figures, HTML.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import sys
import threading
import types
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import partial
from multiprocessing.context import SpawnContext, SpawnProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sitrep.errors import RenderError
from sitrep.pdf.build import PdfResult, build_pdf

if TYPE_CHECKING:
    from sitrep.render.attachments import DataFile

IN_PROCESS = "SITREP_PDF_IN_PROCESS"  # set: never a helper process (profiling, debugging)


class _Spawn(SpawnContext):
    """The spawn start method, keeping the processes it starts, so that `PdfProcess.close` can
    end its helper at once instead of waiting for it (ProcessPoolExecutor would wait for the
    helper's WeasyPrint import, then for its interpreter's teardown)."""

    def __init__(self) -> None:
        super().__init__()
        self.started: list[SpawnProcess] = []

    # multiprocessing's name: it calls ctx.Process(...), which a method serves as the class
    # does (the stubs declare the class, type[SpawnProcess])
    def Process(self, *args: Any, **kwargs: Any) -> SpawnProcess:  # type: ignore[override]
        process = SpawnProcess(*args, **kwargs)
        self.started.append(process)
        return process


@contextmanager
def _main_hidden() -> Iterator[None]:
    """Start spawned processes without the script that started this one: spawn would import it
    again in each (the `sitrep` script imports the command line and click, 45 ms before
    WeasyPrint's import), and the pools run sitrep's own functions only."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl+C (SIGINT) held back while processes start: they inherit the signal mask, so one
    pressed before `_initialize` ignores it cannot stop a process in its interpreter's start,
    which prints a fatal error (multiprocessing starts its resource tracker so too)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no signal masks
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _end_with_parent() -> None:
    """End this process when the one that started it ends. A build killed outright (SIGKILL,
    the kernel's out-of-memory killer) cannot end its pools, and the pool's queues keep their
    pipes open in this process: it would wait for work forever, adopted by init. The parent's
    sentinel (multiprocessing's own) is readable once the parent is gone."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)  # nothing to clean up: the helper writes no file

    threading.Thread(target=watch, name="sitrep-parent", daemon=True).start()


def _initialize(initializer: Callable[[], None]) -> None:
    """A pool process's start: Ctrl+C reaches every process of the terminal's group, and is the
    starting process's to handle (it ends its pools), so it is ignored here, with no traceback
    of an interrupted import; the process ends with its parent; then `initializer`."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _end_with_parent()
    initializer()


def ready() -> None:
    """A task that does nothing: submitting it starts a process (a pool starts one per task
    submitted, up to its size)."""


def start_pool(
    workers: int, initializer: Callable[[], None], context: SpawnContext | None = None
) -> ProcessPoolExecutor:
    """`workers` spawned processes, started now, each running `initializer` (its heavy imports)
    while this process goes on. They ignore Ctrl+C: the caller ends them."""
    started = partial(_initialize, initializer)
    pool = ProcessPoolExecutor(workers, context or SpawnContext(), initializer=started)
    with _main_hidden(), _interrupts_held():
        for _ in range(workers):
            pool.submit(ready)
    return pool


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _warm_up() -> None:
    """The helper's initializer: WeasyPrint imported at once (Ctrl+C is the build's to handle:
    `PdfProcess.close` ends this process)."""
    import weasyprint  # noqa: F401  (the helper's purpose: this import, early, in parallel)


def _lay_out(job: tuple) -> PdfResult:
    """In the helper: the report's PDF. WeasyPrint's failures come back as the RenderError they
    are; a bug of sitrep's as itself, with the helper's traceback chained to it, or as a
    RuntimeError naming it when it cannot be sent to the build's process."""
    try:
        return build_pdf(*job)
    except RenderError:  # the user's to fix: raised in the build as it is
        raise
    except Exception as exc:  # sitrep's bug: raised in the build, as that bug if it can be sent
        if _picklable(exc):
            raise
        raise RuntimeError(f"{type(exc).__name__}: {exc}") from None


def _picklable(exc: Exception) -> bool:
    try:
        pickle.dumps(exc)
    except Exception:  # pickling runs the exception's own code: it may raise anything
        return False
    return True


class PdfProcess:
    """`build_pdf` in a helper process, started at once so that WeasyPrint's import (a quarter
    of the floor) overlaps the build's own work (pandas, figures, charts, HTML).

    Used only where it can gain: a fresh process (WeasyPrint not imported yet) on a machine with
    two CPUs or more, and not when `SITREP_PDF_IN_PROCESS` is set (to profile the PDF stage);
    otherwise, or if the helper cannot start or dies, the PDF is made here. The helper runs the
    same `build_pdf` on the same arguments: the same bytes. `close` ends it at once, used or not
    (a build stopped by its inputs, or an unchanged report, does not wait for WeasyPrint).
    """

    def __init__(self, helper: bool | None = None) -> None:
        """`helper`: None to decide as above, True for a helper in any case (tests), False none."""
        self._context = _Spawn()
        self._pool: ProcessPoolExecutor | None = None
        if helper is None:
            helper = not (
                "weasyprint" in sys.modules or _usable_cpus() < 2 or os.environ.get(IN_PROCESS)
            )
        if not helper:
            return
        try:
            self._pool = start_pool(1, _warm_up, self._context)
        except Exception:  # no second process here (a sandbox, an embedding): do it in this one
            self.close()

    @property
    def process(self) -> SpawnProcess | None:
        """The helper process, if one was started."""
        return self._context.started[0] if self._context.started else None

    def report_pdf(
        self,
        html: str,
        roots: list[Path],
        variant: str | None,
        attachments: Sequence[DataFile] = (),
        created: dt.date | None = None,
    ) -> PdfResult:
        return self.submit(html, roots, variant, attachments, created)()

    def submit(
        self,
        html: str,
        roots: list[Path],
        variant: str | None,
        attachments: Sequence[DataFile] = (),
        created: dt.date | None = None,
    ) -> Callable[[], PdfResult]:
        """Hand the report to the helper and return what waits for its PDF, so this process can
        do other work (the HTML edition) while the helper lays it out."""
        job = (html, roots, variant, list(attachments), created)
        future = None
        if self._pool is not None:
            try:
                future = self._pool.submit(_lay_out, job)
            except BrokenProcessPool:  # the helper died: the PDF is made here
                self.close()
        return lambda: self._result(future, job)

    def _result(self, future: Future | None, job: tuple) -> PdfResult:
        if future is not None:
            try:
                return future.result()
            except BrokenProcessPool:  # the helper died (killed, out of memory): made here
                pass
            finally:
                self.close()  # its one report is done
        return build_pdf(*job)

    def close(self) -> None:
        """End the helper at once: it holds nothing to clean up (no file, no buffer), so neither
        its WeasyPrint import nor its interpreter's teardown is waited for. The pool then
        reaps it: no process outlives the build."""
        if self._pool is None:
            return
        for process in self._context.started:
            if process.is_alive():
                process.terminate()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None

    def __enter__(self) -> PdfProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
