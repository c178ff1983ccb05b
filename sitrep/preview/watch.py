"""Which files a report is made from, and a watcher that says when one of them was saved.

Watched: `sitrep.toml`, every input table's file (sitrep.toml's and `--input`'s), the narrative
folder, the template folders (the workspace's and sitrep's defaults) and a boundaries file.
Folders are watched one level each (not the workspace recursively: `output/` and a `.venv/` live
there), and the list is worked out again after every change, so a folder created later (a
new narrative sub-folder, a new inputs folder named in sitrep.toml) is picked up.

The files spreadsheet programs write while saving (`~$data.xlsx`, `.~lock.data.xlsx#`, temporary
files) are ignored: only the saved file itself counts. watchfiles uses the system's notification
(inotify on Linux); on a network share set WATCHFILES_FORCE_POLLING=1.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import watchfiles

from sitrep.errors import SitrepError
from sitrep.settings.config import load_config, template_dirs

if TYPE_CHECKING:
    from sitrep.settings.config import Config, InputSource

LOG = logging.getLogger("sitrep.preview")
# Names spreadsheet programs and editors give the files they write while saving.
TEMPORARY_PREFIXES = ("~$", ".~lock.", ".#", "#")
TEMPORARY_SUFFIXES = (".tmp", "~", ".swp", ".swx", ".part", ".crdownload")
QUIET_MS = 30  # a save is over when nothing changed for this long...
MOST_MS = 400  # ...or after this long, if a program keeps writing


@dataclass(frozen=True)
class Targets:
    """What is watched: folders (one level each), and the files and trees that count."""

    folders: frozenset[Path]
    files: frozenset[Path]
    trees: frozenset[Path]  # anything inside counts (templates, narrative)

    def counts(self, path: Path) -> bool:
        """Does a change to `path` change the report?"""
        name = path.name
        if name.startswith(TEMPORARY_PREFIXES) or name.endswith(TEMPORARY_SUFFIXES):
            return False
        return path in self.files or any(path.is_relative_to(tree) for tree in self.trees)

    def watch_filter(self, _change: object, path: str) -> bool:
        """`counts` as watchfiles' filter: (change, path as text) -> bool."""
        return self.counts(Path(path))


def _folders_in(tree: Path) -> set[Path]:
    if not tree.is_dir():
        return set()
    return {tree} | {p for p in tree.rglob("*") if p.is_dir() and not p.name.startswith(".")}


def watch_targets(
    workspace: Path, config: Config | None, inputs: dict[str, InputSource]
) -> Targets:
    """What to watch for a workspace whose settings are `config` (None: sitrep.toml is broken)."""
    root = workspace.resolve()
    files = {root / "sitrep.toml"}
    trees: set[Path] = set()
    folders = {root}
    if config is not None:
        sources = {**config.inputs, **inputs}.values()
        files |= {p.path.resolve() for s in sources for p in s.parts}
        for boundaries in (config.boundaries, config.geography_boundaries):
            if boundaries:
                files.add(boundaries.resolve())
        trees.add(config.narrative_dir.resolve())
        trees |= {d.resolve() for d in template_dirs(config.templates_dir)}
    folders |= {f.parent for f in files if f.parent.is_dir()}
    for tree in trees:
        folders |= _folders_in(tree)
        if tree.parent.is_dir():  # the tree itself may be created later
            folders.add(tree.parent)
    return Targets(frozenset(folders), frozenset(files), frozenset(trees))


def _targets(
    workspace: Path, inputs: dict[str, InputSource], last: Config | None
) -> tuple[Targets, Config | None]:
    config: Config | None
    try:
        config = load_config(workspace)
    except SitrepError:
        config = last  # broken settings: keep watching what the last good ones named
    return watch_targets(workspace, config, inputs), config


def watch_workspace(
    workspace: Path,
    inputs: dict[str, InputSource],
    on_change: Callable[[set[Path]], None],
    stop: threading.Event,
) -> None:
    """Call `on_change(paths)` after each save of a file the report is made from, until `stop`."""
    targets, config = _targets(workspace, inputs, None)
    while not stop.is_set():
        folders = sorted(str(f) for f in targets.folders if f.is_dir())
        try:
            for changes in watchfiles.watch(
                *folders,
                watch_filter=targets.watch_filter,
                debounce=MOST_MS,
                step=QUIET_MS,
                stop_event=stop,
                recursive=False,
                raise_interrupt=False,
                ignore_permission_denied=True,
            ):
                paths = {Path(p) for _, p in changes}
                LOG.debug("changed: %s", ", ".join(sorted(map(str, paths))))
                on_change(paths)
                renewed, config = _targets(workspace, inputs, config)
                if renewed != targets:  # new folders to watch: start again with them
                    targets = renewed
                    break
        except (OSError, RuntimeError) as exc:  # a watched folder vanished: look again shortly
            LOG.warning("watching stopped (%s); starting again", exc)
            stop.wait(0.5)
            targets, config = _targets(workspace, inputs, config)
            on_change(set())
