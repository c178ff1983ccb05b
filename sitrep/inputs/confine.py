"""Files inside the workspace are read only when they really are inside it.

A workspace is often a shared folder that partners drop files into; a symbolic link there
(`inputs/narrative/2024-03-01.md -> /etc/passwd`, or a linked `inputs/` folder) would put any
file the user can read into a report that is emailed to partners. The rule, for every input
table and narrative file:

- a path named outside the workspace (in `[inputs]` or with `--input`) is the user's own
  choice and is read wherever it leads;
- a path inside the workspace (as written, made absolute) must still be inside the workspace
  once every symbolic link and `..` in it is resolved; otherwise it is an error that names the
  link and its target. Links that stay inside the workspace are fine.
"""

from __future__ import annotations

import os
from pathlib import Path

from sitrep.problems import Message


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def escape_message(path: Path, workspace: Path, shown: str | None = None) -> Message | None:
    """An error message when `path` lies in the workspace but resolves outside it, else None.

    `shown`: the path as the message should name it (default: as given)."""
    named = os.path.abspath(path)
    roots = {os.path.abspath(workspace), str(workspace.resolve())}
    if not any(_inside(named, root) for root in roots):
        return None  # named outside the workspace: the user chose it
    target = str(path.resolve())
    if _inside(target, str(workspace.resolve())):
        return None
    return Message("outside-workspace.link", path=str(shown or path), target=target)
