"""Read and check `sitrep.toml`: every bad key is reported at once, named with its section."""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sitrep.errors import ConfigError, WorkspaceError
from sitrep.inputs.limits import Limits, parse_limits
from sitrep.settings.figures import FigureSettings, parse_figure_settings
from sitrep.validate.schema import SCHEMAS

CONFIG_NAME = "sitrep.toml"
CADENCES = {"daily": 1, "weekly": 7}
TABLES = tuple(SCHEMAS)
REQUIRED_TABLES = ("displacement", "blockades", "routes")
DEFAULT_TEMPLATES = Path(__file__).parent.parent / "templates"
DEFAULT_PDF_VARIANT = "pdf/a-3a"  # archival and tagged (accessible): structure tree, /Lang
PDF_VARIANTS = ("pdf/a-3a", "pdf/a-3b", "pdf/a-3u", "none")  # "none": a plain PDF


@dataclass(frozen=True)
class InputSource:
    """Where one table comes from: a CSV file, or a sheet of a workbook."""

    path: Path
    sheet: str | None = None

    @classmethod
    def parse(cls, text: str, base: Path) -> InputSource:
        """'inputs/data.xlsx#blockades' -> the workbook and its sheet; relative to `base`."""
        path_text, _, sheet = text.partition("#")
        path = Path(path_text).expanduser()
        return cls(path if path.is_absolute() else base / path, sheet or None)


@dataclass(frozen=True)
class Config:
    """The workspace settings, with defaults filled in."""

    workspace: Path
    country: str  # the name printed, in the report's language ("Haïti" for HTI in French)
    crisis: str
    slug: str
    issuing_office: str
    household_size: int | None  # people per family; None: not set, families alone are errors
    period_start: dt.date
    first_report: dt.date
    cadence_days: int
    first_number: int
    locale: str
    page_size: str
    illustrative: bool
    stale_days: int
    inputs: dict[str, InputSource]
    narrative_dir: Path
    email: dict[str, Any] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    pdf_variant: str | None = DEFAULT_PDF_VARIANT  # None: a plain PDF, not archival
    attach_data: bool = True  # attach the input rows used, as CSV files, to the PDF
    boundaries: Path | None = None  # a GeoJSON drawn under the access map
    figures: FigureSettings = field(default_factory=FigureSettings)  # [figures]
    country_code: str = ""  # ISO3 of `country` ("" when the workspace names no country)
    geography_pcodes: InputSource | None = None  # [geography] pcodes: the office's COD file
    # [geography] levels: the workspace's words for admin levels 1, 2, ... ("Département",
    # "Commune"); () uses the catalogue's neutral words (`level_words`)
    levels: tuple[str, ...] = ()
    languages: tuple[
        str, ...
    ] = ()  # [report] languages; () = the locale alone (sitrep.settings.languages)
    digits: str = "default"  # [report] digits: the locale's own, "latn" or "arab"
    __template_hidden__ = (
        "email",
    )  # templates see the settings but the mail's (sitrep.render.plain)
    publish: dict[str, Any] = field(default_factory=dict)  # [publish], read by sitrep.issue.publish

    @property
    def output_dir(self) -> Path:
        return self.workspace / "output"

    @property
    def templates_dir(self) -> Path:
        return self.workspace / "templates"


def template_dirs(workspace_templates: Path) -> list[Path]:
    """Workspace templates first, then sitrep's defaults (once, if they are the same folder).

    The workspace's folder, and every link in it, must stay inside the workspace (or lead into
    sitrep's own templates): a WorkspaceError names the first that does not.
    """
    dirs = [workspace_templates] if workspace_templates.is_dir() else []
    if dirs:
        _links_inside(workspace_templates, workspace_templates.parent)
    if not dirs or dirs[0].resolve() != DEFAULT_TEMPLATES.resolve():
        dirs.append(DEFAULT_TEMPLATES)
    return dirs


def _links_inside(folder: Path, workspace: Path) -> None:
    roots = [workspace.resolve(), DEFAULT_TEMPLATES.resolve()]

    def check(path: Path) -> None:
        try:
            real = path.resolve()
        except (OSError, RuntimeError):  # a loop of links
            raise WorkspaceError(f"{path} is a symbolic link that leads nowhere") from None
        if not any(real.is_relative_to(root) for root in roots):
            raise WorkspaceError(
                f"{path} is a symbolic link to {real}, outside the workspace: sitrep reads "
                f"templates only inside it. Copy the file in instead of linking to it."
            )

    check(folder)
    for parent, subdirs, files in os.walk(folder):
        for name in subdirs + files:
            if (path := Path(parent, name)).is_symlink():
                check(path)


def slugify(text: str) -> str:
    """'Haiti: Ouest floods' -> 'haiti-ouest-floods'."""
    # accents dropped, not the letters: "Violences armées" -> "violences-armees"
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "sitrep"


def find_workspace(directory: Path) -> Path:
    """The workspace folder, or a WorkspaceError that says how to make one."""
    directory = directory.resolve()
    if not (directory / CONFIG_NAME).is_file():
        raise WorkspaceError(
            f"{directory} is not a sitrep workspace: it has no {CONFIG_NAME}.\n"
            f"Run the command inside a workspace, pass --workspace DIR, "
            f"or create one with: sitrep init DIR"
        )
    return directory


def _levels(geography: Any, problems: list[str]) -> tuple[str, ...]:
    """`[geography] levels = ["Département", "Commune"]`: the words for admin 1, admin 2..."""
    if not isinstance(geography, dict):
        return ()  # said by _geography_pcodes
    for key in sorted(set(geography) - {"levels", "pcodes"}):
        problems.append(f"geography.{key}: unknown key")
    levels = geography.get("levels", [])
    if not (isinstance(levels, list) and all(isinstance(w, str) and w.strip() for w in levels)):
        problems.append(
            f'geography.levels: {levels!r} is not a list of words, e.g. ["Province", "District"]'
        )
        return ()
    return tuple(w.strip() for w in levels)


def level_words(levels: tuple[str, ...], t: Any) -> tuple[str, str]:
    """The words for admin levels 1 and 2: the workspace's, else the catalogue's neutral ones."""
    defaults = (t("geography.admin1"), t("geography.admin2"))
    return tuple((list(levels) + list(defaults[len(levels) :]))[:2])  # type: ignore[return-value]


class _Checker:
    """Collects every problem with the settings instead of stopping at the first."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.problems: list[str] = []

    def get(self, section: str, key: str, kind: type, default: Any = None) -> Any:
        value = self.data.get(section, {}).get(key, default)
        name = f"{section}.{key}"
        if value is None:
            self.problems.append(f"{name}: missing (expected a {kind.__name__})")
            return default
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            self.problems.append(
                f"{name}: {value!r} is a {type(value).__name__}, expected a {kind.__name__}"
            )
            return default
        return value


# --- range and shape checks (each returns problems, named with their key) ------------------------

MAX_CADENCE = 366  # days: a yearly report at most
EARLIEST, LATEST = dt.date(1950, 1, 1), dt.date(2199, 12, 31)  # a date outside is a typo
SLUG_FORBIDDEN = re.compile(r'[/\\\x00-\x1f\x7f<>:"|?*]')  # a path, a control, Windows' reserved


def slug_problem(slug: Any) -> str | None:
    """Why `slug` cannot begin a file name in output/DATE/, or None."""
    if not isinstance(slug, str):
        return "is not text"
    if not slug.strip() or len(slug) > 100:
        return "must be 1 to 100 characters"
    if SLUG_FORBIDDEN.search(slug) or ".." in slug or slug.startswith((".", "-", " ")):
        return (
            "is not a plain file name: use letters, digits and '-' (no '/', '\\', '..', "
            "control characters or leading dot), e.g. 'country-crisis'"
        )
    return None


def locale_problem(locale: str) -> str | None:
    """Why Babel cannot format dates and numbers for `locale`, or None."""
    import importlib.util

    spec = importlib.util.find_spec("babel")  # not imported (30 ms): a known file is enough
    folders = (spec.submodule_search_locations or []) if spec else []
    plain = re.fullmatch(r"[A-Za-z0-9_]{1,40}", locale)
    if plain and any((Path(f) / "locale-data" / f"{locale}.dat").is_file() for f in folders):
        return None
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(locale)  # aliases such as zh_CN
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        return f"is not a locale Babel knows ({exc}); use e.g. 'en', 'fr', 'es_CO' or 'ar_SY'"
    return None


def _range_problems(
    household: int | None,
    period_start: dt.date,
    first_report: dt.date,
    first_number: int | None,
    locale: str | None,
) -> list[str]:
    problems = []
    if household is not None and not 1 <= household <= 30:
        problems.append(f"report.household_size: {household} is not between 1 and 30")
    for key, day in (("period_start", period_start), ("first_report", first_report)):
        if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
            continue  # reported as not a date
        if not EARLIEST <= day <= LATEST:
            problems.append(f"report.{key}: {day} is not a plausible date (a typo in the year?)")
    if first_number is not None and not 1 <= first_number <= 1_000_000:
        problems.append(f"report.first_number: {first_number} is not a positive whole number")
    if isinstance(locale, str) and (problem := locale_problem(locale)):
        problems.append(f"report.locale: {locale!r} {problem}")
    return problems


def load_config(workspace: Path) -> Config:
    """Read `workspace/sitrep.toml`; raise ConfigError listing every problem."""
    workspace = find_workspace(workspace)
    path = workspace / CONFIG_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None

    check = _Checker(data)
    known = {"report", "inputs", "email", "limits", "geography", "figures", "publish"}
    for section in sorted(set(data) - known):
        check.problems.append(f"[{section}]: unknown section (known: {', '.join(sorted(known))})")
    report_keys = {
        "country",
        "crisis",
        "slug",
        "issuing_office",
        "household_size",
        "period_start",
        "first_report",
        "cadence",
        "first_number",
        "locale",
        "page_size",
        "illustrative",
        "stale_days",
        "pdf_variant",
        "attach_data",
        "boundaries",
        "languages",
        "digits",
    }
    for key in sorted(set(data.get("report", {})) - report_keys):
        check.problems.append(f"report.{key}: unknown key")

    from sitrep.settings.languages import parse_digits, parse_languages

    report_table = data.get("report", {}) if isinstance(data.get("report"), dict) else {}
    languages, chosen_locale, language_problems = parse_languages(
        report_table, report_table.get("locale")
    )
    check.problems += language_problems
    digits, digit_problems = parse_digits(report_table)
    check.problems += digit_problems
    country = check.get("report", "country", str, "")
    country_code, country_name = _country(country, chosen_locale, check)
    crisis = check.get("report", "crisis", str, "")
    office = check.get("report", "issuing_office", str, "")
    # No default: a family's size differs by country, and a guessed one would be printed as fact.
    # Unset, a row giving only families is a validation error
    # (sitrep.validate.rules.families_only_errors).
    household = None
    if "household_size" in data.get("report", {}):
        household = check.get("report", "household_size", int, None)
    if household is not None and not 1 <= household <= 30:
        check.problems.append(f"report.household_size: {household} is not between 1 and 30")
    period_start = check.get("report", "period_start", dt.date, dt.date(1970, 1, 1))
    first_report = data.get("report", {}).get("first_report", period_start)
    if not isinstance(first_report, dt.date):
        check.problems.append(f"report.first_report: {first_report!r} is not a date (YYYY-MM-DD)")
        first_report = period_start
    cadence = data.get("report", {}).get("cadence", "daily")
    if isinstance(cadence, int) and not isinstance(cadence, bool) and 1 <= cadence <= MAX_CADENCE:
        cadence_days = cadence
    elif isinstance(cadence, str) and cadence in CADENCES:
        cadence_days = CADENCES[cadence]
    else:
        check.problems.append(
            f"report.cadence: {cadence!r} is not 'daily', 'weekly' or a number of days "
            f"from 1 to {MAX_CADENCE}"
        )
        cadence_days = 1
    first_number = check.get("report", "first_number", int, 1)
    locale = check.get("report", "locale", str, chosen_locale or "en")
    check.problems += _range_problems(household, period_start, first_report, first_number, locale)
    page_size = check.get("report", "page_size", str, "A4")
    if page_size not in ("A4", "Letter"):
        check.problems.append(f"report.page_size: {page_size!r} is not 'A4' or 'Letter'")
    illustrative = check.get("report", "illustrative", bool, False)
    stale_days = check.get("report", "stale_days", int, 3)
    if stale_days is not None and not 0 <= stale_days <= 3650:
        check.problems.append(f"report.stale_days: {stale_days} is not a number of days, 0 or more")
    slug = data.get("report", {}).get("slug") or slugify(f"{country} {crisis}")
    if problem := slug_problem(slug):
        check.problems.append(f"report.slug: {slug!r} {problem}")
    pdf_variant = check.get("report", "pdf_variant", str, DEFAULT_PDF_VARIANT)
    if pdf_variant not in PDF_VARIANTS:
        check.problems.append(
            f"report.pdf_variant: {pdf_variant!r} is not one of: {', '.join(PDF_VARIANTS)}"
        )
    attach_data = check.get("report", "attach_data", bool, True)
    boundaries_text = data.get("report", {}).get("boundaries")
    boundaries = None
    if boundaries_text is not None:
        if not isinstance(boundaries_text, str):
            check.problems.append(f"report.boundaries: {boundaries_text!r} is not a path")
        else:
            boundaries = InputSource.parse(boundaries_text, workspace).path

    inputs: dict[str, InputSource] = {}
    raw_inputs = data.get("inputs", {})
    for key in sorted(set(raw_inputs) - set(TABLES) - {"narrative"}):
        check.problems.append(f"inputs.{key}: unknown table (known: {', '.join(TABLES)})")
    for table in TABLES:
        value = raw_inputs.get(table)
        if value is None:
            if table in REQUIRED_TABLES:
                check.problems.append(f"inputs.{table}: missing (expected 'path' or 'path#sheet')")
            continue
        if not isinstance(value, str):
            check.problems.append(f"inputs.{table}: {value!r} is not a path")
            continue
        inputs[table] = InputSource.parse(value, workspace)
    narrative = raw_inputs.get("narrative", "inputs/narrative")
    geography_pcodes = _geography_pcodes(data.get("geography", {}), workspace, check)
    levels = _levels(data.get("geography", {}), check.problems)
    limits, limit_problems = parse_limits(data.get("limits", {}))
    check.problems += limit_problems
    figure_settings, figure_problems = parse_figure_settings(data.get("figures", {}))
    check.problems += figure_problems

    if check.problems:
        raise ConfigError(
            f"{path} has {len(check.problems)} problem(s):\n  " + "\n  ".join(check.problems)
        )
    return Config(
        workspace=workspace,
        country=country_name or country,
        crisis=crisis,
        slug=slug,
        issuing_office=office,
        household_size=household,
        period_start=period_start,
        first_report=first_report,
        cadence_days=cadence_days,
        first_number=first_number,
        locale=locale,
        page_size=page_size,
        illustrative=illustrative,
        stale_days=stale_days,
        inputs=inputs,
        narrative_dir=workspace / narrative,
        email=dict(data.get("email", {})),
        publish=dict(data.get("publish", {})),
        pdf_variant=None if pdf_variant == "none" else pdf_variant,
        attach_data=attach_data,
        boundaries=boundaries,
        limits=limits,
        figures=figure_settings,
        country_code=country_code,
        geography_pcodes=geography_pcodes,
        levels=levels,
        languages=languages,
        digits=digits,
    )


def _country(country: str, locale: object, check: _Checker) -> tuple[str, str]:
    """(ISO3 code, name in the report's language) of report.country, an ISO3 code or a name
    in English or in the report's language ("HTI", "Haïti"); ("", "") when it is not set."""
    if not country.strip():
        return "", ""
    from sitrep.geo.countries import UnknownCountry, resolve_country

    language = locale if isinstance(locale, str) else "en"
    try:
        found = resolve_country(country, language)
    except UnknownCountry as exc:
        check.problems.append(f"report.country: {exc}")
        return "", ""
    return found.iso3, found.name_in(language)


def _geography_pcodes(section: object, workspace: Path, check: _Checker) -> InputSource | None:
    """[geography] pcodes: 'PATH' or 'PATH#SHEET' of the country's COD-AB tabular file."""
    if not isinstance(section, dict):
        check.problems.append("[geography]: expected a table of settings")
        return None
    value = section.get("pcodes")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        check.problems.append(f"geography.pcodes: {value!r} is not a path ('PATH' or 'PATH#SHEET')")
        return None
    return InputSource.parse(value, workspace)
