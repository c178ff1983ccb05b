"""Steps 1-3 of every run that makes a report: load -> validate -> figures, and the narrative.

`prepare` is how `sitrep build`, `build --each area`, `sitrep preview` and `sitrep send`
start, once per run: its `Prepared` holds the validated tables and, in each language of the
report, the figures and the narrative. `check_inputs` (steps 1-2 alone) is `sitrep validate`.
Nothing here renders or writes; rendering reads a `Prepared` and never changes it.

Importing this module imports the stages, and so pandas (0.55 s): what must stay fast (`sitrep
--help`, an unchanged build, `send --status`) never imports it (tests/cli/test_fast_paths.py).
A run's options, `BuildOptions`, are `sitrep.settings.run`'s, re-exported here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from sitrep.errors import NoDataError, ValidationFailed
from sitrep.figures.compute import compute_figures, data_date_range, latest_data_date
from sitrep.inputs.boundaries import read_boundaries
from sitrep.inputs.cod import base_gazetteer
from sitrep.inputs.load import load_tables
from sitrep.inputs.narrative import load_narrative
from sitrep.inputs.words import workspace_words
from sitrep.problems import Message, Problem, ProblemCode, count_errors, count_warnings
from sitrep.settings.config import Config, InputSource, load_config
from sitrep.settings.languages import (
    edition_config,
    editions,
    missing_narrative,
    narrative_dir,
    untranslated,
)
from sitrep.settings.run import BuildOptions as BuildOptions  # re-exported: the stages' name
from sitrep.validate.tables import freshness_warnings, validate_tables, workspace_gazetteer

PARTNERS = "partners"  # the distribution list: who receives a report, not what it says

if TYPE_CHECKING:  # names for annotations only
    from sitrep.figures.compute import Figures
    from sitrep.inputs.boundaries import Boundaries
    from sitrep.inputs.narrative import Narrative
    from sitrep.inputs.words import Words
    from sitrep.validate.tables import Table


@dataclass
class Checked:
    """What validation produced: typed tables and every problem."""

    config: Config
    tables: dict[str, Table]
    problems: list[Problem]
    date: dt.date | None
    boundaries: Boundaries | None = None  # [geography] boundaries, read and checked
    partner_problems: list[Problem] = field(default_factory=list)  # as found: errors of `send`


@dataclass
class Prepared:
    """What a report is made from, in each of its languages: steps 1-3, done once per run.

    The dictionaries are keyed by locale, the report's own (first) language first.
    """

    config: Config  # the first language's settings
    tables: dict[str, Table]
    problems: list[Problem]  # the tables' warnings and notes (errors stop before this is made)
    day: dt.date  # the report date
    data_latest: dt.date  # the newest date in the data
    editions: dict[str, Config]  # the settings in each language (`languages.edition_config`)
    narratives: dict[str, Narrative]
    narrative_problems: dict[str, list[Problem]]
    figures: dict[str, Figures]  # empty when prepared without (each area computes its own)
    # the partners table's errors, as found (a build shows them as warnings): `send` refuses
    # those partners, or everyone when the table itself is wrong
    partner_problems: list[Problem] = field(default_factory=list)
    boundaries: Boundaries | None = None  # the office's boundaries: the situation map

    @property
    def all_problems(self) -> list[Problem]:
        """The tables' problems, then each language's narrative's."""
        return self.problems + [p for each in self.narrative_problems.values() for p in each]


def check_inputs(
    workspace: Path,
    day: dt.date | None = None,
    inputs: dict[str, InputSource] | None = None,
    today: dt.date | None = None,
    *,
    narrative: bool = False,
) -> Checked:
    """Load and validate every table; the problems, and the report date they imply.

    `today`: the day sitrep runs, passed in from the command line (dates after it are errors).
    `narrative`: check the day's narrative too (`sitrep validate`; a build reads it later).
    """
    config = load_config(workspace)
    words = workspace_words(config.workspace, config.locale)
    checked = _check(config, day, inputs, today, words)
    if narrative and checked.date:
        checked.problems += _narrative_problems(config, checked.date, words)
    return checked


def _check(
    config: Config,
    day: dt.date | None,
    inputs: dict[str, InputSource] | None,
    today: dt.date | None,
    words: Words,
) -> Checked:
    """Steps 1-2: every table loaded and validated, and checked for freshness when valid."""
    raw, problems = load_tables(config, inputs)
    problems = untranslated(config) + problems
    try:
        gazetteer = base_gazetteer(config)
    except ValidationFailed as broken:  # the COD file's areas are no tree: nothing can be placed
        return Checked(config, {}, problems + broken.problems, day)
    # the boundary file first: a bad one is one error (ConfigError), before the tables' problems
    boundaries = None
    if config.geography_boundaries is not None:
        boundaries = read_boundaries(
            config.geography_boundaries, config.limits, gazetteer, config.workspace
        )
    tables, more = validate_tables(
        raw,
        gazetteer,
        config.household_size,
        today=today,
        words=words,
        locale=config.number_locale,
        indicators=config.indicators,
    )
    problems += more
    # who receives a report is not the report: a partner's bad or repeated address is an error
    # of `send`, for that partner (`partner_problems`), and a warning of validate and build
    partners = [p for p in problems if p.table == PARTNERS and p.severity == "error"]
    problems = [
        replace(p, severity="warning", message=Message("partners.not-sent", problem=p.message))
        if p in partners
        else p
        for p in problems
    ]
    if not count_errors(problems):  # the tables are sound: is there a report to make?
        problems += date_problems(tables, day, today)
    day = day or latest_data_date(tables)
    if day and not count_errors(problems):
        problems += freshness_warnings(tables, day, config.stale_days)
    return Checked(config, tables, problems, day, boundaries, partners)


def _narrative_problems(config: Config, day: dt.date, words: Words) -> list[Problem]:
    """The narrative's problems for `day` in every language, as `sitrep validate` lists them."""
    problems: list[Problem] = []
    for locale in editions(config):
        edition = edition_config(config, locale)
        if locale != config.locale and (missing := missing_narrative(edition, day)):
            problems.append(missing)
            continue
        try:
            problems += load_narrative(
                narrative_dir(edition, day),
                day,
                config.workspace,
                locale=locale,
                words=words,
                limits=config.limits,
            )[1]
        except ValidationFailed as failed:  # a narrative that cannot be read at all
            problems += failed.problems
    return problems


def date_problems(
    tables: dict[str, Table], asked: dt.date | None, today: dt.date | None
) -> list[Problem]:
    """The one check of the report date, which `sitrep validate` lists and a build refuses on:
    an error when the inputs have no dated rows, none on or before the date asked, or when that
    date is after `today` (the day sitrep runs, when the command line gives it). A date after
    the newest row is no error: a quiet day, whose report says nothing new was reported."""
    first, last = data_date_range(tables)
    files = ", ".join(sorted({t.file for t in tables.values()})) or "inputs"
    if first is None or last is None:
        message = Message("no-data.none")
    elif asked is not None and asked < first:
        message = Message("no-data.before", day=asked, first=first)
    elif asked is not None and today is not None and asked > max(today, last):
        message = Message("no-data.future", day=asked, today=today)
    else:
        return []
    return [Problem("error", table="dates", file=files, message=message, code=ProblemCode.NO_DATA)]


def report_date(tables: dict[str, Table], asked: dt.date | None) -> tuple[dt.date, dt.date]:
    """(the report date, the newest date in the data), once `date_problems` found none: a
    date after the newest is a quiet day. NoDataError if called without that check."""
    first, last = data_date_range(tables)
    if first is None or last is None or (asked is not None and asked < first):
        raise NoDataError(Message("no-data.none"))
    return asked or last, last


def prepare(
    config: Config,
    day: dt.date | None,
    inputs: dict[str, InputSource] | None = None,
    today: dt.date | None = None,
    *,
    strict: bool = False,
    locales: Sequence[str] | None = None,
    figures: bool = True,
) -> Prepared:
    """Steps 1-3 for the report of `day` (None: the latest date in the data).

    Raises ValidationFailed on errors (or on warnings with `strict`, the narrative's included)
    and when a language after the first has no narrative; NoDataError when `day` has no data.
    `locales`: the languages to prepare, the first one's included (default: every language of
    `[report] languages`). `figures` False: the tables and narratives only (the per-area batch,
    whose workers compute each area's figures).
    """
    # 1-2. load and validate every table; stop on errors (or warnings with strict)
    words = workspace_words(config.workspace, config.locale)
    checked = _check(config, day, inputs, today, words)
    report_problems = [p for p in checked.problems if p.table != PARTNERS]
    if count_errors(report_problems) or (strict and count_warnings(report_problems)):
        raise ValidationFailed(checked.problems)
    day, data_latest = report_date(checked.tables, day)

    # 3. the narrative written for the day in each language, then the figures in each
    configs = {locale: edition_config(config, locale) for locale in locales or editions(config)}
    first, *others = configs.values()
    narrative, problems = load_narrative(
        narrative_dir(first, day), day, first.workspace, locale=first.locale, limits=first.limits
    )
    if strict and problems:
        raise ValidationFailed(checked.problems + problems)
    if missing := [p for c in others if (p := missing_narrative(c, day))]:
        raise ValidationFailed(checked.problems + problems + missing)
    narratives, narrative_problems = {first.locale: narrative}, {first.locale: problems}
    for other in others:
        narratives[other.locale], narrative_problems[other.locale] = load_narrative(
            narrative_dir(other, day),
            day,
            other.workspace,
            locale=other.locale,
            limits=other.limits,
        )
    computed = {}
    if figures:  # the same tables in each language; its place names (the gazetteer's)
        for locale, c in configs.items():
            gazetteer = workspace_gazetteer(checked.tables, base_gazetteer(c))
            computed[locale] = compute_figures(checked.tables, c, gazetteer, day)
    return Prepared(
        config,
        checked.tables,
        checked.problems,
        day,
        data_latest,
        configs,
        narratives,
        narrative_problems,
        computed,
        partner_problems=checked.partner_problems,
        boundaries=checked.boundaries,
    )
