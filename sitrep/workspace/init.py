"""`sitrep init DIR --country HTI [--language fr]`: a new workspace for a country.

It holds a commented sitrep.toml (the country, the language, the first report on the day init
is run, a household size to fill in), a blank workbook (inputs/data.xlsx, one sheet per table,
see `sitrep.workspace.workbook`) in the workspace's language whose About sheet, examples and P-code
dropdowns are the country's own places from OCHA's Global P-Code List, an empty templates/
folder for the workspace's overrides, and inputs/narrative/ with an example of the day's words.
Nothing that exists is overwritten. The day is a parameter: the command line passes today.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sitrep.errors import WorkspaceError
from sitrep.geo.gazetteer import UnknownCountry, country_gazetteer, resolve_country
from sitrep.inputs.words import builtin_words, fold, spellings, word_key
from sitrep.render.catalogue import catalogue_problems, problem_wording
from sitrep.render.html import load_messages, make_translator
from sitrep.settings.config import CONFIG_NAME, DEFAULT_TEMPLATES, level_words, load_config
from sitrep.settings.email import EMAIL
from sitrep.settings.languages import language_of, right_to_left
from sitrep.settings.limits import Limits
from sitrep.settings.locales import regional
from sitrep.tableschema import SCHEMAS, VOCABULARIES
from sitrep.workspace.workbook import Place, Words, write_workbook

WORKBOOK = "inputs/data.xlsx"
EXAMPLE_NARRATIVE = """\
# Highlights
- One line per key message; the most important first.

# Situation overview
What happened since the last report, where, and who is affected. Name sources.

# Response
### Food security
**Needs:** ...
**Response:** ...
**Gaps:** ...
"""
NARRATIVE_README = """\
One Markdown file per report date: YYYY-MM-DD.md (for example {today}.md).
Sections are level-1 headings: Highlights, Situation overview, Response.
EXAMPLE.md shows the layout; it is not used by any report.
"""
INPUTS_README = """\
The tables (data.xlsx, one sheet per table) and the narrative (narrative/) go here.

The situation map: sitrep draws the country on the office's own boundaries when sitrep.toml
names them ([geography] boundaries = "inputs/..."). Download the country's Common Operational
Dataset of administrative boundaries (COD-AB) from the Humanitarian Data Exchange: the dataset
cod-ab-{iso3} (https://data.humdata.org/dataset/cod-ab-{iso3}), as the zipped shapefile, the
GeoJSON or the GeoPackage, and save it here as it is. Without it the report keeps its
schematic access map.
"""

TEMPLATES_README = """\
This folder holds what this workspace changes in sitrep's templates, and nothing else.
A file here replaces sitrep's file of the same name: report.html, partials/*.html, style.css,
screen.css, logo.svg (your office's logo), fonts/. A catalogue i18n/<language>.toml here
rewords only the entries it gives, for example:

    # i18n/en.toml
    [contacts]
    heading = "Contact us"

sitrep's own templates, to copy from: {defaults}
"""


def _toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's (quotes, backslashes, control characters)."""
    return json.dumps(text, ensure_ascii=False)


INDICATORS = """
# Each indicator the office tracks (returnees, cases, people in sites, incidents...), declared
# once: the KEY of [indicators.KEY] is what the indicators sheet's Indicator column says.
# A "stock" is a count on a date (each area's latest figure, the finest level counted once);
# a "flow" is new in the period (summed from period_start). Uncomment and adapt:
# [indicators.returnees]
# label = {{ {language} = {stock} }}
# kind = "stock"
# key_figure = true                    # one of the key figures, in the order declared
#
# [indicators.cholera_cases]
# label = {{ {language} = {flow} }}
# kind = "flow"
# level = 2                            # its values are given by admin level 2
"""
DOWNLOADS = {  # tables read as downloaded, not sheets of the workbook
    "needs": "HDX HAPI's humanitarian needs download, as it comes",
    "funding": "HDX HAPI's funding download (OCHA FTS), as it comes",
}


# [email]'s keys as init writes them, commented: an example value each (else the default) and
# one line; the password never (SITREP_SMTP_PASSWORD), the server in SITREP_SMTP_URL if set
EMAIL_EXAMPLES = {
    "from": ('"Field Office <office@example.org>"', "the sender (required by sitrep send)"),
    "reply_to": ('"office@example.org"', "where partners' replies go"),
    "unsubscribe": (
        '"mailto:office@example.org?subject=unsubscribe"',
        "sent as List-Unsubscribe; {email} or {token} make it per partner",
    ),
    "smtp": (
        '"smtp+starttls://office@smtp.example.org:587"',
        "no password here; SITREP_SMTP_URL, when set, is used instead; unset: an outbox",
    ),
    "report_url": (
        '"https://reports.example.org/{date}/{file}"',
        "a link for partners who prefer one: {date} {number} {revision} {lang} {file}",
    ),
    "max_failures_in_a_row": ("10", "temporary failures in a row after which a run stops trying"),
    "data_timeout_seconds": ("600.0", "the wait for the server's reply to a whole message"),
}


def email_text() -> str:
    """sitrep.toml's `[email]` section as init writes it: every key of `EmailSettings`
    commented, with an example or its default and one line each. Commented, the section is
    empty, which counts as absent: `validate` passes and `send` says what it needs."""
    lines = [
        "[email]",
        "# How `sitrep send` mails the report: uncomment the keys and give your own values.",
        "# The SMTP password is never in this file: set SITREP_SMTP_PASSWORD.",
    ]
    for key in EMAIL.keys:
        example, doc = EMAIL_EXAMPLES.get(key.name, (_toml_value(key.default), key.doc))
        lines += [f"#   {doc}:", f"# {key.name} = {example}"]
    return "\n".join(lines)


def _toml_value(value: object) -> str:
    return json.dumps(value) if isinstance(value, str) else str(value)


def config_text(
    country: str,
    crisis: str,
    today: dt.date,
    language: str,
    name: str,
    office: str,
    examples: tuple[str, str] = ("returnees", "new cholera cases"),
) -> str:
    """A commented sitrep.toml whose inputs are the sheets of the blank workbook, and the
    examples of a stock and a flow indicator (`examples`: their labels in `language`, the
    report's locale)."""
    inputs = "\n".join(
        f'{table} = "{WORKBOOK}#{table}"'
        if schema.sheet
        else f"{f'# {table} = {chr(34)}inputs/{table}.csv{chr(34)}':<38} # {DOWNLOADS[table]}"
        for table, schema in SCHEMAS.items()
    )
    indicators = INDICATORS.format(  # a label by language: `ar`, not the locale `ar-SD`
        language=language_of(language) or language,
        stock=_toml_string(examples[0]),
        flow=_toml_string(examples[1]),
    )
    limits = "\n".join(f"# {key} = {getattr(Limits(), key)}" for key in Limits.__dataclass_fields__)
    iso3 = country.lower()
    return f"""\
# sitrep workspace settings. Paths are relative to this file.

[report]
{f'country = "{country}"':<38} # {name}: an ISO3 code or the country's name
crisis = {_toml_string(crisis)}
issuing_office = {_toml_string(office)}
# Either may be given by language, each report taking its own: crisis = {{ en = "...", fr = "..." }}
# household_size = 5                   # people per family: set it to the figure your cluster
#                                      # or DTM uses. Until it is set, a displacement row
#                                      # giving families and no people is an error.
period_start = {today.isoformat()}              # figures "in the period" count from this date
first_report = {today.isoformat()}              # the date of the report numbered first_number
first_number = 1
cadence = "daily"                      # "daily", "weekly", or a number of days
{f'locale = "{language}"':<38} # the report's language, dates and numbers
{f'# languages = ["{language}", "en"]':<38} # several reports in one run, this one first
page_size = "A4"                       # or "Letter"
illustrative = false                   # true: the report says its data is illustrative
stale_days = 3                         # warn when a table's newest row is older than this

[geography]
# The country's words for its admin levels 1 and 2, used in every heading and table:
# levels = ["Département", "Commune"]
# pcodes = "inputs/cod-ab.xlsx"        # the office's own COD-AB file, over OCHA's global list
# boundaries = "inputs/{iso3}_cod-ab.zip"   # the COD-AB boundaries: the report's situation map
#   (HDX dataset cod-ab-{iso3}: the zipped shapefile, GeoJSON or GeoPackage; see inputs/README.txt)

[inputs]
# A table comes from a workbook sheet ("file.xlsx#sheet", also .xlsm and .ods) or a CSV file.
# Any table can be read from another file for one run: sitrep build --input idps=dtm.csv
{inputs}
narrative = "inputs/narrative"         # one Markdown file per report date: YYYY-MM-DD.md

{email_text()}

[limits]
# What sitrep agrees to read; raise a limit only for a file you trust.
{limits}
{indicators}"""


def workbook_words(iso3: str, language: str, today: dt.date) -> Words:
    """The workbook's words in `language`, and the country's admin 1 and 2 areas."""
    messages = load_messages([DEFAULT_TEMPLATES], language)
    gazetteer = country_gazetteer(iso3, language_of(language))
    places = tuple(
        Place(a.pcode, gazetteer.name(a.pcode), a.level, a.parent)
        for level in (1, 2)
        for a in gazetteer.level(level)
    )
    levels = level_words((), make_translator(messages))
    offered = {
        "response.cluster": tuple(c for c in messages.get("init.clusters", "").split(",") if c),
        "indicators.indicator": ("returnees", "cholera_cases"),  # the examples in sitrep.toml
    }
    choices = vocabulary_words(messages, language)
    return Words(
        messages,
        levels,
        places,
        today,
        choices,
        offered=offered,
        right_to_left=right_to_left(language),
    )


# The report's catalogue section naming each vocabulary's words ([status] closed = "cerrada").
CATALOGUE_SECTIONS = {
    "route_status": "status",
    "blockade_status": "bstatus",
    "commodity": "commodity",
    "constraint": "constraint",
}


def vocabulary_words(messages: dict[str, str], language: str) -> dict[str, tuple[str, ...]]:
    """The dropdowns' words in `language`: the report's own word for each ("cerrada"), so the
    workbook and the report agree, where sitrep reads it back as that word; else the first
    of the language's input spellings that it does; else the English word. Empty for English."""
    if language == "en":
        return {}
    own = spellings(language)
    choices: dict[str, tuple[str, ...]] = {}
    for vocab, table in VOCABULARIES.items():
        reads = builtin_words().vocabulary(vocab)
        words = []
        for canonical in table:
            key = canonical.replace(" ", "_").replace("/", "_")
            candidates = [messages.get(f"{CATALOGUE_SECTIONS.get(vocab)}.{key}", "")]
            candidates += own.get(vocab, {}).get(canonical, [])
            fits = [w for w in candidates if w and reads.get(word_key(w)) == canonical]
            # a word that also means "missing" ("لا يوجد") would be read as a blank: last
            fits.sort(key=lambda w: fold(w) in builtin_words().missing)
            words.append(fits[0] if fits else canonical)
        choices[vocab] = tuple(words)
    return choices


def create_workspace(
    directory: Path,
    country: str,
    today: dt.date,
    crisis: str | None = None,
    language: str = "en",
) -> list[Path]:
    """Create a workspace for `country` in `directory` (made if needed); the files created.

    `country`: an ISO3 code or a name in English or `language`; `today`: the first report's
    date (the caller's today: nothing here reads the clock); `crisis`: the crisis's name
    (default: a placeholder in the language).
    """
    directory = directory.resolve()
    if (directory / CONFIG_NAME).exists():
        raise WorkspaceError(f"{directory} is already a sitrep workspace (it has {CONFIG_NAME})")
    taken = [p for p in (directory / WORKBOOK, directory / "templates") if p.exists()]
    if taken:
        raise WorkspaceError(
            f"{', '.join(map(str, taken))} already exist; choose an empty folder for the workspace"
        )
    try:
        found = resolve_country(country, language)
    except UnknownCountry as exc:
        raise WorkspaceError(f"--country: {exc}") from None
    words = workbook_words(found.iso3, language, today)
    directory.mkdir(parents=True, exist_ok=True)
    crisis = crisis or words("init.crisis", "Crisis name")
    office = words("init.office", "the Information Management Office")
    examples = (words("init.stock_label", "returnees"), words("init.flow_label", "new cases"))
    # the language as written in the country, when CLDR has it: numbers and dates as there
    locale = regional(language, found.iso2)
    text = config_text(found.iso3, crisis, today, locale, found.name_in(language), office, examples)
    (directory / CONFIG_NAME).write_text(text, encoding="utf-8")
    write_workbook(directory / WORKBOOK, {n: [] for n, s in SCHEMAS.items() if s.sheet}, words)
    templates = directory / "templates"
    templates.mkdir()
    readme = TEMPLATES_README.format(defaults=DEFAULT_TEMPLATES)
    (templates / "README.txt").write_text(readme, encoding="utf-8")
    narrative = directory / "inputs" / "narrative"
    narrative.mkdir(parents=True, exist_ok=True)
    example = words("init.narrative_example", EXAMPLE_NARRATIVE)
    (narrative / "EXAMPLE.md").write_text(example, encoding="utf-8")
    readme = words("init.narrative_readme", NARRATIVE_README, today=today.isoformat())
    (narrative / "README.txt").write_text(readme, encoding="utf-8")
    inputs_readme = INPUTS_README.format(iso3=found.iso3.lower())
    (directory / "inputs" / "README.txt").write_text(inputs_readme, encoding="utf-8")
    return [directory / CONFIG_NAME, directory / WORKBOOK, templates, narrative / "EXAMPLE.md"]


def init_lines(directory: Path, created: list[Path]) -> list[tuple[str, bool, str | None]]:
    """What `sitrep init` says, as (text, to stderr, colour): the files created, a warning when
    sitrep has no complete catalogue of the workspace's language (its missing words would be
    English: README, "Adding a language"), then what to do next."""
    lines: list[tuple[str, bool, str | None]] = [(str(path), False, None) for path in created]
    config = load_config(directory)
    wording = problem_wording(config)
    for problem in catalogue_problems(config):
        lines.append((problem.line(wording), True, "yellow"))
    ready = wording.cli("ready", workbook=str(created[1]), directory=str(directory))
    lines.append((ready, True, None))
    return lines
