"""`sitrep preview`: the report as a live web page that follows the workspace's files.

    preview = start_preview(PreviewOptions(workspace, port=0), build_report)  # at preview.url
    ...
    preview.close()

`run_preview` is what the command calls: start, wait for Ctrl+C, stop. The page's Build PDF
runs `build`, `sitrep build` itself, which the command line passes in (the preview stage comes
before the top layer that composes a build). The parts:
`live` renders (the build's own steps 1-4, then the HTML edition), `watch` notices saves,
`server` answers the page, `page` and `assets/` are the page itself.
"""

from __future__ import annotations

import datetime as dt
import errno
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.errors import PreviewError
from sitrep.preview.live import Builder, LiveReports
from sitrep.preview.server import PreviewServer
from sitrep.preview.watch import watch_workspace
from sitrep.settings.config import load_config

if TYPE_CHECKING:
    from sitrep.settings.config import InputSource

DEFAULT_PORT = 8000


@dataclass
class PreviewOptions:
    workspace: Path
    date: dt.date | None = None  # the report first shown (None: the latest date in the data)
    inputs: dict[str, InputSource] = field(default_factory=dict)  # --input TABLE=PATH
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT  # 0: any free port


class Preview:
    """A running preview: its web server, its renders and its watcher, each in a thread."""

    def __init__(self, server: PreviewServer, live: LiveReports, options: PreviewOptions) -> None:
        self.server = server
        self.live = live
        self.options = options
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=server.serve_forever, name="sitrep-http", daemon=True),
            threading.Thread(target=self._watch, name="sitrep-watch", daemon=True),
        ]

    @property
    def url(self) -> str:
        day = self.options.date
        return self.server.url + (f"report/{day.isoformat()}" if day else "")

    def _watch(self) -> None:
        watch_workspace(
            self.options.workspace,
            self.options.inputs,
            lambda _paths: self.live.changed(),
            self._stop,
        )

    def start(self) -> Preview:
        self.live.start(self.options.date)
        for thread in self._threads:
            thread.start()
        return self

    def wait(self) -> None:
        """Until Ctrl+C (or `close` from another thread)."""
        try:
            while not self._stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass

    def close(self) -> None:
        self._stop.set()
        self.live.close()  # ends the event streams
        self.server.shutdown()
        self.server.server_close()
        for thread in self._threads:
            if thread.is_alive():
                thread.join(timeout=5)

    def __enter__(self) -> Preview:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_preview(options: PreviewOptions, build: Builder) -> Preview:
    """Serve the preview of `options.workspace` (returns once it is listening); the page's
    Build PDF calls `build` (`sitrep.report.build_report`)."""
    load_config(options.workspace)  # not a workspace: say so now, not in the page
    live = LiveReports(options.workspace, build, options.inputs)
    try:
        server = PreviewServer((options.host, options.port), live)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise PreviewError(
                f"port {options.port} on {options.host} is in use (another preview?). "
                f"Choose another with --port, e.g. --port {options.port + 1}."
            ) from None
        raise PreviewError(f"cannot listen on {options.host}:{options.port}: {exc}") from None
    return Preview(server, live, options).start()


def run_preview(options: PreviewOptions, build: Builder, ready: Callable[[Preview], None]) -> None:
    """`sitrep preview`: serve until Ctrl+C; `ready` is called once the page can be opened."""
    with start_preview(options, build) as preview:
        ready(preview)
        preview.wait()


def log_to_console(debug: bool) -> None:
    """The preview's log (each render, each failure) on stderr, with the time of day."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log = logging.getLogger("sitrep.preview")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if debug else logging.INFO)


def ready_lines(preview: Preview) -> list[str]:
    """What `sitrep preview` says once the page can be opened."""
    return [
        f"Previewing {preview.options.workspace.resolve()} at {preview.url}",
        "It updates when a table, the narrative, a template or sitrep.toml is saved.",
        "Press Ctrl+C to stop.",
    ]
