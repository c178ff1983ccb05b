"""Read `sitrep.toml` into `Config`: checked once against `sitrep.settings.schema`, every bad
key reported at once, named with its section, into typed settings; nothing reads the TOML's
tables after this."""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sitrep.errors import ConfigError, WorkspaceError
from sitrep.geo.countries import UnknownCountry, resolve_country
from sitrep.settings.check import check_settings
from sitrep.settings.email import EmailSettings
from sitrep.settings.figures import FigureSettings
from sitrep.settings.indicators import IndicatorSettings
from sitrep.settings.limits import Limits
from sitrep.settings.locales import regional, territory_of
from sitrep.settings.schema import (
    DEFAULT_PDF_VARIANT,
    SECTIONS,
    TABLES,
    GeographySettings,
    PublishSettings,
    ReportSettings,
    slug_problem,
)
from sitrep.settings.texts import Texts

CONFIG_NAME = "sitrep.toml"
DEFAULT_TEMPLATES = Path(__file__).parent.parent / "templates"


@dataclass(frozen=True)
class InputSource:
    """Where one table comes from: a CSV file, or a sheet of a workbook."""

    path: Path
    sheet: str | None = None
    # further files read as the same table: IOM DTM exports, one per admin level (the idps table)
    more: tuple[InputSource, ...] = ()
    __template_hidden__ = ("parts",)  # made anew each time: a template walking it never ends

    @classmethod
    def parse(cls, text: str | tuple[str, ...] | list[str], base: Path) -> InputSource:
        """'inputs/data.xlsx#blockades' -> the workbook and its sheet; relative to `base`.
        Several texts (a list in sitrep.toml): the first, with the others as `more`."""
        if not isinstance(text, str):
            first, *others = (cls.parse(t, base) for t in text)
            return replace(first, more=tuple(others))
        path_text, _, sheet = text.partition("#")
        path = Path(path_text).expanduser()
        return cls(path if path.is_absolute() else base / path, sheet or None)

    @property
    def parts(self) -> tuple[InputSource, ...]:
        """Each file of the table on its own: this one, then `more`."""
        return (replace(self, more=()), *self.more)

    def after(self, earlier: InputSource | None) -> InputSource:
        """`earlier`'s files, then these: a table given twice on the command line is read
        from both (`--input idps=admin1.csv --input idps=admin2.csv`: DTM files together)."""
        return replace(earlier, more=(*earlier.more, *self.parts)) if earlier else self


@dataclass(frozen=True, kw_only=True)
class Config:
    """The workspace settings, with defaults filled in: `[report]`, `[inputs]` and
    `[geography]` as the code reads them (paths from the workspace, the country's name in the
    report's language...), the other sections as their typed settings."""

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
    email: EmailSettings | None = None  # [email]; None: sitrep.toml has no [email] section
    limits: Limits = field(default_factory=Limits)
    pdf_variant: str | None = DEFAULT_PDF_VARIANT  # None: a plain PDF, not archival
    attach_data: bool = True  # attach the input rows used, as CSV files, to the PDF
    boundaries: Path | None = None  # a GeoJSON drawn under the access map
    editions: tuple[str, ...] = ("pdf", "html")  # [report] editions: "docx" adds a Word edition
    # [geography] boundaries: the office's COD-AB (the situation map); its credit
    geography_boundaries: Path | None = None
    boundaries_source: str = ""
    map_shading: str = "auto"  # [report] map_shading: "auto", "idps", "displacement", "none"
    map_level: int | None = None  # [report] map_level: 1, 2, or None for "auto"
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
    # how the office writes numbers in its tables: [report] locale, else the first of languages;
    # None when neither is set (a number two ways could read is then an error: inputs.numbers)
    number_locale: str | None = None
    clearance: bool = False  # [report] clearance: drafts until cleared (sitrep.issue.clearance)
    __template_hidden__ = (
        "email",
    )  # templates see the settings but the mail's (sitrep.render.plain)
    publish: PublishSettings = field(default_factory=PublishSettings)  # folder made absolute
    # [indicators.KEY], in the order declared (None: a declaration without a good label or kind)
    indicators: dict[str, IndicatorSettings] = field(default_factory=dict)
    notice: str = ""  # the illustrative notice in the report's language ("": the catalogue's)
    # The settings given by language ("crisis", "issuing_office", "illustrative"), as written:
    # `crisis`, `issuing_office` and `notice` are their texts in `locale` (each edition's own)
    by_language: dict[str, Texts] = field(default_factory=dict)

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


def level_words(levels: tuple[str, ...], t: Any) -> tuple[str, str]:
    """The words for admin levels 1 and 2: the workspace's, else the catalogue's neutral ones,
    their number in the report's digits as every number of it (`المستوى الإداري ٢` where the
    report writes Arabic-Indic digits: the translator's `digits`)."""
    digits = getattr(t, "digits", str)
    defaults = (digits(t("geography.admin1")), digits(t("geography.admin2")))
    words = [*levels, *defaults[len(levels) :]]
    return words[0], words[1]


def load_config(workspace: Path) -> Config:
    """Read `workspace/sitrep.toml`; raise ConfigError listing every problem."""
    workspace = find_workspace(workspace)
    path = workspace / CONFIG_NAME
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per level of nesting
        raise ConfigError(f"{path}: not valid TOML: lists nested hundreds of levels deep") from None
    found, problems = check_settings(SECTIONS, data)
    report: ReportSettings = found["report"]  # a section without required keys: always read
    geography: GeographySettings = found["geography"]

    # What one key's value depends on another's: the locale on the languages, the country's
    # name on the locale, the slug on the country and the crisis.
    languages = report.languages or ()
    locale = report.locale or (languages[0] if languages else "en")
    if languages:  # each in the locale's country where CLDR has it: 'en' -> 'en_SD'
        languages = (locale, *(regional(x, territory_of(locale)) for x in languages[1:]))
    country_code, country_name = _country(report.country, locale, problems)
    # the slug from the crisis's first text that has letters of a file name ("الفاشر" has none)
    crises = [report.crisis.in_language(locale), *(t for _, t in report.crisis.by_language)]
    crisis = next((c for c in crises if slugify(c) != "sitrep"), crises[0])
    slug = report.slug or slugify(f"{report.country} {crisis}")
    if problem := slug_problem(slug):
        problems.append(f"report.slug: {slug!r} {problem}")
    if problems:
        raise ConfigError(f"{path} has {len(problems)} problem(s):\n  " + "\n  ".join(problems))

    def source(text: str | tuple[str, ...] | None) -> InputSource | None:
        return InputSource.parse(text, workspace) if text else None

    inputs = found["inputs"]  # InputSettings, a field per table (made from sitrep.tableschema)
    boundaries = source(report.boundaries)
    publish: PublishSettings = found["publish"]
    if publish.folder is not None:
        publish = replace(publish, folder=workspace / publish.folder)
    return Config(
        workspace=workspace,
        country=country_name or report.country,
        crisis=report.crisis.in_language(locale),
        slug=slug,
        issuing_office=report.issuing_office.in_language(locale),
        household_size=report.household_size,
        period_start=report.period_start,
        first_report=report.first_report or report.period_start,
        cadence_days=report.cadence_days,
        first_number=report.first_number,
        locale=locale,
        page_size=report.page_size,
        illustrative=report.illustrative is not None,
        notice=report.illustrative.in_language(locale) if report.illustrative else "",
        by_language={
            key: value
            for key in ("crisis", "issuing_office", "illustrative")
            if isinstance(value := getattr(report, key), Texts)
        },
        stale_days=report.stale_days,
        inputs={t: s for t in TABLES if (s := source(getattr(inputs, t)))},
        narrative_dir=workspace / inputs.narrative,
        email=found["email"],
        publish=publish,
        pdf_variant=report.pdf_variant,
        attach_data=report.attach_data,
        boundaries=boundaries.path if boundaries else None,
        editions=report.editions,
        limits=found["limits"],
        figures=found["figures"],
        indicators=found["indicators"] or {},
        country_code=country_code,
        geography_pcodes=source(geography.pcodes),
        geography_boundaries=(geo.path if (geo := source(geography.boundaries)) else None),
        boundaries_source=geography.boundaries_source,
        map_shading=report.map_shading,
        map_level=report.map_level,
        levels=geography.levels,
        languages=languages,
        digits=report.digits,
        number_locale=report.locale or (languages[0] if languages else None),
        clearance=report.clearance,
    )


def _country(country: str, locale: str, problems: list[str]) -> tuple[str, str]:
    """(ISO3 code, name in the report's language) of report.country, an ISO3 code or a name
    in English or in the report's language ("HTI", "Haïti"); ("", "") when it is not set."""
    if not country.strip():
        return "", ""

    try:
        found = resolve_country(country, locale)
    except UnknownCountry as exc:
        problems.append(f"report.country: {exc}")
        return "", ""
    return found.iso3, found.name_in(locale)
