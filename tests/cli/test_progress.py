"""The one progress bar (`sitrep.cli.progress`): click's, on a terminal only, fed by the
stages' plain `(done, total, label)` callbacks, with the data's labels shown as text."""

from __future__ import annotations

import io
import sys

import pytest

from sitrep.cli.progress import progress_bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal(monkeypatch) -> Terminal:
    """A terminal to stand for stderr, and no CI. The test sets it as stderr itself: pytest's
    capture sets stderr again between a fixture and its test."""
    monkeypatch.delenv("CI", raising=False)
    screen = Terminal()
    return screen


def test_a_terminal_shows_the_bar_from_the_first_call_to_the_end(terminal, monkeypatch):
    monkeypatch.setattr(sys, "stderr", terminal)
    with progress_bar("Sending") as progress:
        assert progress is not None
        assert terminal.getvalue() == ""  # nothing before the work starts
        progress(1, 2, "a@example.org")
        progress(2, 2, "b@example.org")
    shown = terminal.getvalue()
    assert "Sending" in shown and "2/2" in shown and "b@example.org" in shown
    assert shown.endswith("\n")  # the bar's line ended: what follows starts on its own


def test_a_label_from_the_data_cannot_drive_the_terminal(terminal, monkeypatch):
    monkeypatch.setattr(sys, "stderr", terminal)
    with progress_bar("Building") as progress:
        assert progress is not None
        progress(1, 1, "Kabul\x1b]0;owned\x07\x1b[2J\u202e")
    shown = terminal.getvalue()
    assert "Kabul?]0;owned??[2J?" in shown
    assert "\x1b]" not in shown and "\x1b[2J" not in shown and "\u202e" not in shown


def test_no_bar_in_ci_nor_in_a_pipe(terminal, monkeypatch):
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setenv("CI", "true")
    with progress_bar("Building") as progress:
        assert progress is None
    monkeypatch.delenv("CI")
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # a pipe, a log
    with progress_bar("Building") as progress:
        assert progress is None
    assert terminal.getvalue() == ""
