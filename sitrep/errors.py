"""Every exception sitrep raises on purpose. The CLI turns each into a message and an exit code."""

from __future__ import annotations


class SitrepError(Exception):
    """Base class: a problem the user can fix; its message says how."""

    exit_code = 1


class WorkspaceError(SitrepError):
    """The folder is not a workspace (no sitrep.toml) or lacks a required part."""


class ConfigError(SitrepError):
    """sitrep.toml has one or more invalid keys; the message lists all of them."""


class InputError(SitrepError):
    """An input file cannot be opened or read at all (missing, wrong format, missing sheet)."""


class ValidationFailed(SitrepError):
    """The inputs have errors; `problems` holds every one of them."""

    def __init__(self, problems: list) -> None:  # list[Problem]; untyped to avoid an import cycle
        self.problems = problems
        errors = sum(1 for p in problems if p.severity == "error")
        warnings = sum(1 for p in problems if p.severity == "warning")
        super().__init__(f"{errors} errors, {warnings} warnings")


class NoDataError(SitrepError):
    """The requested report date has no data, or there is no data at all."""


class ReportExistsError(SitrepError):
    """A report already issued for this date would be overwritten by different content."""


class RenderError(SitrepError):
    """A template is missing or broken, or WeasyPrint could not lay the report out."""


class DeliveryError(SitrepError):
    """Sending failed in a way that stops the whole run (authentication, no connection)."""


class PreviewError(SitrepError):
    """The preview cannot start (the port is in use, the address cannot be used)."""


class DiskFullError(SitrepError):
    """A write found the disk (or the user's quota) full; the message says how much and where."""
