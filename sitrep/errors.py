"""Every exception sitrep raises on purpose, and the one map from an exception to an exit code.

A `SitrepError` is a problem the user can fix (exit 1, its message says how); any other
exception is a bug in sitrep (exit 2). `sitrep.cli` prints the message; `exit_code` decides.
The command line adds 64 for a usage error (a mistyped option or command: click's), 130 for
Ctrl+C and 143 for SIGTERM; a closed pipe (`sitrep places X | head -1`) ends with 0.
"""

from __future__ import annotations

from sitrep.problems import Problem, count_by_severity

EXIT_PROBLEMS = 1  # the inputs or the request are wrong: the message says how to fix them
EXIT_INTERNAL = 2  # a bug in sitrep
EXIT_USAGE = 64  # the command line itself is wrong (EX_USAGE of sysexits.h): no such option...
EXIT_INTERRUPTED = 130  # Ctrl+C: 128 + SIGINT, as a shell reports it


class SitrepError(Exception):
    """Base class: a problem the user can fix; its message says how."""

    exit_code = EXIT_PROBLEMS


class WorkspaceError(SitrepError):
    """The folder is not a workspace (no sitrep.toml) or lacks a required part."""


class ConfigError(SitrepError):
    """sitrep.toml has one or more invalid keys; the message lists all of them."""


class InputError(SitrepError):
    """An input file cannot be opened or read at all (missing, wrong format, missing sheet)."""


class ValidationFailed(SitrepError):
    """The inputs have errors; `problems` holds every one of them."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(count_by_severity(problems).written())  # '1 error, 2 warnings'


class NoDataError(SitrepError):
    """The requested report date has no data, or there is no data at all."""


class ReportExistsError(SitrepError):
    """A report already issued for this date would be overwritten by different content."""

    revisable = False  # whether `--revise` (a revision of the issued report) would do


class AlreadyIssued(ReportExistsError):
    """The report of this date was issued from other inputs: `--revise` issues a correction."""

    revisable = True


class RenderError(SitrepError):
    """A template is missing or broken, or WeasyPrint could not lay the report out."""


class DeliveryError(SitrepError):
    """Sending failed in a way that stops the whole run (authentication, no connection)."""


class PreviewError(SitrepError):
    """The preview cannot start (the port is in use, the address cannot be used)."""


class DiskFullError(SitrepError):
    """A write found the disk (or the user's quota) full; the message says how much and where."""


def exit_code(exc: BaseException) -> int:
    """The process's exit code for an exception that ended a command."""
    return exc.exit_code if isinstance(exc, SitrepError) else EXIT_INTERNAL
