"""The one progress bar of the command line (click's), on a terminal only.

The stages report progress through a plain callback, `progress(done, total, label)` (`build
--each`: areas; `send`: recipients), and import nothing of the command line; `progress_bar`
gives them one that draws click's bar on stderr, or None where nothing extra may be printed:
a pipe, a log, a scheduler's mail, or a CI run (`CI` set).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import click

Progress = Callable[[int, int, str], None]  # (done, total, the last one's label)


def shown() -> bool:
    """Whether progress is shown: on a terminal, and not in CI."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def _printable(label: str | None) -> str | None:
    """A label from the data (an area's name, an address) as text: no control character (a
    cursor move, a colour, a window title) reaches the terminal."""
    return None if label is None else "".join(c if c.isprintable() else "?" for c in label)


@contextmanager
def progress_bar(label: str) -> Iterator[Progress | None]:
    """A `progress(done, total, label)` drawing click's bar, labelled `label`, from its first
    call (so nothing shows before the work starts); None where progress is not `shown`. The
    bar is finished, its line ended, when the block ends."""
    if not shown():
        yield None
        return
    with ExitStack() as stack:
        bars: list = []  # click's bar, once the first call has drawn it

        def progress(done: int, total: int, item: str) -> None:
            if not bars:
                bar = click.progressbar(
                    length=total,
                    label=label,
                    file=sys.stderr,
                    show_pos=True,
                    item_show_func=_printable,
                )
                bars.append(stack.enter_context(bar))
            bars[0].update(done - bars[0].pos, item)

        yield progress
