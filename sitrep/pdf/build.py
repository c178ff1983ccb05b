"""Stage 5, PDF: WeasyPrint lays out the HTML; it may read only the templates' own assets.

Every URL in the document goes through the fetcher of `sitrep.pdf.fetcher`. The PDF is archival by
default (PDF/A-3a and PDF/UA-1, `sitrep.pdf.variants`: fonts embedded, sRGB output intent,
tagged for screen readers, XMP metadata claiming both) and
carries the input rows it was made from as attached CSV files. Nothing depends on the clock:
the identifier comes from the HTML and every date from the report date, so the same inputs give
the same bytes.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import multiprocessing
import os
import pickle
import sys
import traceback
import types
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.errors import RenderError
from sitrep.pdf.fetcher import LOG, make_fetcher
from sitrep.pdf.variants import write_options
from sitrep.render.assets import ASSET_BASE

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from sitrep.render.attachments import DataFile


SITREP_DIR = Path(__file__).resolve().parent.parent  # the sitrep package


@dataclass
class PdfResult:
    data: bytes
    warnings: list[str]  # WeasyPrint's warnings (missing asset, bad CSS) and refused URLs


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _attachments(files: Sequence[DataFile], created: dt.date | None) -> list:
    """WeasyPrint attachments dated at the report date (its default, now, would vary)."""
    import weasyprint  # 1.3 s to import: only where a PDF is made (see PdfProcess)

    stamp = dt.datetime.combine(created or dt.date(2000, 1, 1), dt.time())
    return [
        weasyprint.Attachment(
            string=f.data,
            name=f.name,
            description=f.description,
            created=stamp,
            modified=stamp,
            relationship="Data",  # PDF/A-3: the data the report's figures are computed from
        )
        for f in files
    ]


def html_to_pdf(
    html: str,
    roots: list[Path],
    identifier: bytes,
    variant: str | None = None,
    attachments: Sequence[DataFile] = (),
    created: dt.date | None = None,
) -> PdfResult:
    """The PDF bytes for `html`. The same inputs give the same bytes (fixed PDF identifier).

    `variant` is a `[report] pdf_variant` ("pdf/a-3a+ua-1", "pdf/a-3b"...) or None for a plain PDF;
    `attachments` are embedded files, dated `created` (the report date).
    """
    import weasyprint  # 1.3 s to import: only where a PDF is made (see PdfProcess)

    fetcher, files = make_fetcher(roots), _attachments(attachments, created)
    collect = _Collect()
    loggers = [logging.getLogger("weasyprint"), LOG]
    for logger in loggers:
        logger.addHandler(collect)
    try:
        document = weasyprint.HTML(string=html, base_url=ASSET_BASE, url_fetcher=fetcher)
        with write_options(variant) as options:  # the variant: sitrep.pdf.variants
            data = document.write_pdf(pdf_identifier=identifier, attachments=files, **options)
    except Exception as exc:  # WeasyPrint has no single error type: where it arose decides
        if _raised_in_sitrep(exc):  # sitrep's code called back (the fetcher): sitrep's bug
            raise
        raise RenderError(f"WeasyPrint could not lay out the report: {exc}") from exc
    finally:
        for logger in loggers:
            logger.removeHandler(collect)
    return PdfResult(data, collect.messages)


def _raised_in_sitrep(exc: BaseException) -> bool:
    """Whether sitrep's own code ran between WeasyPrint's call and the exception.

    The traceback starts in `html_to_pdf`; what follows is WeasyPrint's (and its libraries'),
    failing on the templates' HTML or CSS (the user's to fix), unless a frame is sitrep's."""
    tb = exc.__traceback__.tb_next if exc.__traceback__ else None
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).is_relative_to(SITREP_DIR):
            return True
        tb = tb.tb_next
    return False


def report_identifier(html: str) -> bytes:
    """The PDF identifier of a report: from its HTML, so the same report has the same bytes."""
    return hashlib.sha256(html.encode()).hexdigest()[:32].encode()


def report_pdf(
    html: str,
    roots: list[Path],
    variant: str | None,
    attachments: Sequence[DataFile] = (),
    created: dt.date | None = None,
) -> PdfResult:
    """A report's PDF, exactly as `sitrep build` makes it (and the batch, and bench/floor.py).

    The one place that says how a report's HTML becomes its PDF: the identifier from the HTML,
    the workspace's PDF variant, the data files attached and dated at the report date.
    """
    return html_to_pdf(html, roots, report_identifier(html), variant, attachments, created)


def build_pdf(
    html: str,
    roots: list[Path],
    variant: str | None,
    attachments: Sequence[DataFile] = (),
    created: dt.date | None = None,
) -> PdfResult:
    """`report_pdf` as sitrep runs it, with the garbage collector off during the layout and
    what lived before it (WeasyPrint's modules, the tables, templates and fonts, a batch's
    shared state) frozen out of its later passes. Its passes would walk that heap again and
    again: a batch worker's layouts take 4.1 s instead of 5.5 s for 11 reports. Peak memory is
    unchanged (the national report: 105 MB either way): a layout's cycles are few and are
    collected after it. The same bytes."""
    gc.freeze()
    gc.disable()
    try:
        return report_pdf(html, roots, variant, attachments, created)
    finally:
        gc.enable()
        gc.unfreeze()


IN_PROCESS = "SITREP_PDF_IN_PROCESS"  # set: never a helper process (profiling, debugging)


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _serve(conn: Connection) -> None:
    """In the helper process: import WeasyPrint at once, then lay out the one report sent."""
    import weasyprint  # noqa: F401

    try:
        job = conn.recv()
    except EOFError:  # the build stopped before its PDF stage
        return
    reply: tuple
    try:
        reply = ("ok", build_pdf(*job))
    except RenderError as exc:  # the user's to fix: raised in the build as it is
        reply = ("error", exc)
    except Exception as exc:  # sitrep's bug: raised in the build, with this process's traceback
        reply = ("bug", (_picklable(exc), traceback.format_exc()))
    conn.send(reply)
    conn.close()
    # Nothing here to clean up (no files, no buffers): end now, so that the build's wait for
    # this process is not WeasyPrint's interpreter teardown.
    os._exit(0)


def _picklable(exc: Exception) -> Exception:
    """`exc` if it can be sent to the build's process, else a RuntimeError saying what it was."""
    try:
        pickle.dumps(exc)
    except Exception:  # pickling runs the exception's own code: it may raise anything
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


class HelperTraceback(Exception):
    """The PDF helper process's traceback of a bug, chained to the bug raised in the build."""


@contextmanager
def _main_hidden() -> Iterator[None]:
    """Start a spawned process without the script that started this one: spawn would import it
    again (the `sitrep` script imports the CLI and click, 45 ms before WeasyPrint's import),
    and `_serve` needs nothing of it."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


class PdfProcess:
    """`report_pdf` in a second process, started at once so that WeasyPrint's import (a quarter
    of the floor) overlaps the build's own work (pandas, figures, charts, HTML).

    Used only where it can gain: a fresh process (WeasyPrint not imported yet) on a machine with
    two CPUs or more, and not when `SITREP_PDF_IN_PROCESS` is set (to profile the PDF stage);
    otherwise, or if the helper cannot start or dies, the PDF is made here.
    The helper runs the same `report_pdf` on the same arguments: the same bytes. `close` ends
    it if it was not used (a build stopped by its inputs does not wait for WeasyPrint).
    """

    def __init__(self, helper: bool | None = None) -> None:
        """`helper`: None to decide as above, True for a helper in any case (tests), False none."""
        self._process = self._conn = None
        self._replied = False  # the helper sent its report: it is ending by itself
        if helper is None:
            helper = not (
                "weasyprint" in sys.modules or _usable_cpus() < 2 or os.environ.get(IN_PROCESS)
            )
        if not helper:
            return
        try:
            context = multiprocessing.get_context("spawn")  # no state of this process copied
            self._conn, child = context.Pipe()
            self._process = context.Process(target=_serve, args=(child,), daemon=True)
            with _main_hidden():
                self._process.start()
            child.close()
        except Exception:  # no second process here (a sandbox, an embedding): do it in this one
            self._process = self._conn = None

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
        sent = False
        if self._conn is not None:
            try:
                self._conn.send(job)
                sent = True
            except OSError:  # the helper died: the PDF is made here
                self.close()
        return lambda: self._result(job, sent)

    def _result(self, job: tuple, sent: bool) -> PdfResult:
        if sent and self._conn is not None:
            try:
                status, value = self._conn.recv()
                self._replied = True
            except (EOFError, OSError):  # the helper died: lay the report out here
                pass
            else:
                if status == "error":
                    raise value
                if status == "bug":
                    raise value[0] from HelperTraceback(value[1])
                return value
            finally:
                self.close()
        return build_pdf(*job)

    def close(self) -> None:
        """End the helper: at once unless it has just sent its report (then it is ending)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is not None:
            self._process.join(timeout=5 if self._replied else 0)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join()
            self._process = None

    def __enter__(self) -> PdfProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
