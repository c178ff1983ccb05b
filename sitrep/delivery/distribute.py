"""Stage 6, deliver: email the issued report to the partners' lists, exactly once.

`deliver` takes the report a build made (`sitrep.report.send` builds it first, or finds the
issued one), checks it is fit to send, picks the recipients from the partners table, and sends
one message per partner through the send ledger (`sitrep.delivery.send`). With no SMTP server
configured, messages go to an outbox folder of .eml files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from string import hexdigits
from typing import TYPE_CHECKING

from sitrep.delivery.ledger import LedgerRow
from sitrep.delivery.model import ContactLine, KeyFigureLine, ReportEmail
from sitrep.delivery.recipients import partners_from_records, select_recipients
from sitrep.delivery.send import (
    Progress,
    RecipientResult,
    SendSummary,
    ledger_report,
    make_transport,
    send_report,
)
from sitrep.errors import ConfigError, SitrepError
from sitrep.files import sha256_file
from sitrep.issue.record import latest_issue, load_record
from sitrep.issue.results import BuildResult
from sitrep.problems import ProblemCode
from sitrep.render import numerals
from sitrep.render.figure_text import figure_change, figure_value, figure_words, kf_more
from sitrep.render.html import Translator, load_messages, make_translator
from sitrep.render.markup import text_of
from sitrep.render.stylesheet import custom_property
from sitrep.settings.config import Config, InputSource, load_config, template_dirs
from sitrep.settings.email import EmailSettings, absent_problems, edition_url
from sitrep.settings.languages import editions, is_first, language_of, narrative_dir
from sitrep.settings.locales import language_tag

if TYPE_CHECKING:  # annotations: `send --status` imports this module, and never pandas
    from sitrep.figures.compute import KeyFigure
    from sitrep.pipeline import Prepared

SMTP_URL_ENV = "SITREP_SMTP_URL"
PASSWORD_ENV = "SITREP_SMTP_PASSWORD"
LEDGER_NAME = "send-ledger.sqlite"  # in the workspace, beside sitrep.toml: never in output/
PLACEHOLDER_RE = re.compile(
    r"\b(TODO|TBC|TBD|FIXME|XXX+|lorem ipsum)\b|\[\s*(insert|add|placeholder)[^\]]*\]|\{\{|\}\}",
    re.IGNORECASE,
)
REQUIRED_SECTIONS = {"highlights": "Highlights", "overview": "Situation overview"}


class NotFitToSend(SitrepError):
    """The pre-send check found problems; --skip-checks sends anyway."""


@dataclass
class SendOptions:
    workspace: Path
    date: dt.date | None = None
    lists: list[str] = field(default_factory=list)  # empty: every list
    inputs: dict[str, InputSource] = field(default_factory=dict)
    skip_checks: bool = False
    progress: Progress | None = None  # called as each recipient is served (`send_report`)
    resend_unknown: bool = False  # send again to recipients who may have the report already
    today: dt.date | None = None  # the day sitrep runs (the command line's): later is a typo


@dataclass
class SendOutcome:
    report: ReportEmail
    summary: SendSummary
    transport: str  # "outbox" or the SMTP server (never with a password)
    # [report] languages without their PDF: their partners got the first language's report
    missing_languages: list[str] = field(default_factory=list)


def email_settings(config: Config) -> EmailSettings:
    """The [email] settings, as `load_config` checked them; SITREP_SMTP_URL, when set,
    chooses the SMTP server."""
    settings = config.email
    if settings is None:  # no [email] section: say what it needs
        problems = absent_problems()
        raise ConfigError(
            f"{config.workspace / 'sitrep.toml'} has {len(problems)} problem(s):\n  "
            + "\n  ".join(problems)
        )
    if url := os.environ.get(SMTP_URL_ENV):
        settings = dataclasses.replace(settings, smtp=url)
    return settings


def ledger_path(config: Config) -> Path:
    return config.workspace / LEDGER_NAME


LOGO_NAMES = (("logo.png", "image/png"), ("logo.svg", "image/svg+xml"))
MAX_LOGO_BYTES = 512 * 1024  # a logo, not a photograph: every message carries it


def email_logo(config: Config) -> tuple[bytes, str] | None:
    """The logo the HTML body carries inline: the first templates folder's logo.png or logo.svg.

    A PNG shows in every mail client; SVG does not in some (Outlook, Gmail), which then show
    the alt text, the issuing office. sitrep ships an SVG; put a logo.png beside it to be seen
    everywhere. A logo outside its templates folder (a symlink) or over 512 KB is left out.
    """
    for folder in template_dirs(config.templates_dir):
        for name, mime in LOGO_NAMES:
            path = folder / name
            if not path.is_file():
                continue
            if not path.resolve().is_relative_to(folder.resolve()):
                continue
            if path.stat().st_size > MAX_LOGO_BYTES:
                continue
            return path.read_bytes(), mime
    return None


def email_accent(config: Config) -> str | None:
    """The first templates folder's `--accent: #rrggbb` (style.css), for the email's title band:
    declared in a rule of the stylesheet as CSS reads it (not in a comment or a string)."""
    for folder in template_dirs(config.templates_dir):
        css = folder / "style.css"
        if not css.is_file() or css.stat().st_size > 1_000_000:
            continue
        value = custom_property(css.read_text("utf-8", "replace"), "--accent") or ""
        if len(value) == 7 and value[0] == "#" and all(c in hexdigits for c in value[1:]):
            return value
    return None


def outbox_dir(config: Config, result: BuildResult) -> Path:
    """One folder per issue and revision, so no earlier issue's messages lie beside these."""
    return (
        config.output_dir
        / result.date.isoformat()
        / "outbox"
        / f"no{result.number}-r{result.revision}"
    )


def edition_files(config: Config, result: BuildResult) -> dict[str, tuple[Path, Path]]:
    """Each of the report's locales that has its files -> (PDF, HTML edition), first one first.

    `result.editions` names them; when it is empty (a build of one language), the first
    language's files are the result's own and another language's are looked for under their
    names (`..._no10_en.pdf`). A language without its files is left out: its partners get the
    first language's report.
    """
    found: dict[str, tuple[Path, Path]] = {}
    for locale in editions(config):
        code = language_of(locale)
        files = result.edition(code)
        if files is None and is_first(config, locale):
            files = (result.pdf, result.html)
        elif files is None:
            named = tuple(
                p.with_name(f"{p.stem}_{code}{p.suffix}") for p in (result.pdf, result.html)
            )
            files = (named[0], named[1]) if all(p.is_file() for p in named) else None
        if files is not None:
            found[locale] = files
    return found


def _report_emails(
    config: Config, result: BuildResult, checked: Prepared, settings: EmailSettings
) -> tuple[list[ReportEmail], list[str]]:
    """One email per language (the first language first) and the pre-send problems of their
    reports; `checked`: what the report was made from (its tables, figures and narratives)."""
    emails: list[ReportEmail] = []
    problems = [
        str(p) for p in checked.problems if p.severity == "error" or p.code == ProblemCode.STALE
    ]
    for locale, (pdf, page) in edition_files(config, result).items():
        email, more = _edition_email(locale, result, pdf, page, checked, settings)
        emails.append(email)
        problems += more
    return emails, problems


def _figure(t: Translator, k: KeyFigure, config: Config, start: str) -> tuple[str, str]:
    """A key figure's (words, number), as the report's tile has them (`figure_words`): the
    number is "" where the words say it (an Arabic dual)."""
    value = figure_value(k, t, config.locale, config.figures.headline_rounding)
    number, words = figure_words(k, t, value, start)
    return words + kf_more(k, t, config.locale), number


def _edition_email(
    locale: str,
    result: BuildResult,
    pdf: Path,
    page: Path,
    prepared: Prepared,
    settings: EmailSettings,
) -> tuple[ReportEmail, list[str]]:
    """The email in `locale` and the problems of that language's report."""
    config, figures = prepared.editions[locale], prepared.figures[locale]
    narrative = prepared.narratives[locale]
    narrative_problems = prepared.narrative_problems[locale]
    folder = narrative_dir(config, result.date)
    messages = load_messages(template_dirs(config.templates_dir), config.locale)
    t = make_translator(messages, config.locale, config.digits, isolating=True)

    def short(day: dt.date) -> str:
        return numerals.date(day, "d MMM", config.locale, t.numbering)

    # here, not at the top: inputs.localnames imports pandas, and `send --status` imports this
    # module (tests/cli/test_fast_paths.py); an email is composed from tables pandas holds anyway
    from sitrep.inputs.localnames import LOCALISED

    contacts = []
    language = language_of(config.locale)
    if "contacts" in prepared.tables:
        for c in prepared.tables["contacts"].frame.to_dict("records"):
            title, organisation = (
                c.get(f"{k}_{language}") or c.get(k) or "" for k in LOCALISED["contacts"]
            )
            contacts.append(ContactLine(c["name"], title, organisation, c["email"]))
    url = edition_url(  # where partners who prefer a link find this edition's PDF
        settings,
        config.publish.base_url,
        pdf.relative_to(config.output_dir).as_posix(),
        (result.date, result.number, result.revision, language_tag(config.locale)),
    )
    email = ReportEmail(
        country=config.country,
        crisis=config.crisis,
        issuing_office=config.issuing_office,
        number=result.number,
        revision=result.revision,
        report_date=result.date,
        period_start=config.period_start,
        period_end=result.date,
        next_report=figures.next_date,
        pdf_path=pdf,
        pdf_sha256=sha256_file(pdf),
        highlights=narrative.highlights_text,
        key_figures=[
            KeyFigureLine(
                *_figure(t, k, config, short(config.period_start)),
                figure_change(k, t, config.locale, result.date),
            )
            for k in figures.key_figures
        ],
        contacts=contacts,
        report_url=url,
        illustrative=config.illustrative,
        language=config.locale,
        words=t,
    )
    if logo := email_logo(config):
        email = dataclasses.replace(email, logo=logo[0], logo_type=logo[1])
    if accent := email_accent(config):
        email = dataclasses.replace(email, accent=accent)
    problems = []
    where = folder / (result.date.isoformat() + ".md")
    for key, title in REQUIRED_SECTIONS.items():
        empty = not narrative.highlights if key == "highlights" else not narrative.sections.get(key)
        if empty:
            problems.append(f"the {title} section is empty (write it in {where})")
    # Text only, as a parser reads it: the edition's <style> holds base64 fonts, which must
    # never read as a placeholder, and a tag's attributes are not text either.
    text = " ".join(text_of(page.read_text("utf-8")))
    for match in PLACEHOLDER_RE.finditer(text):
        context = " ".join(text[max(0, match.start() - 40) : match.end() + 40].split())
        problems.append(f"leftover placeholder {match.group(0)!r} in {page.name}: ...{context}...")
    problems += [str(p) for p in narrative_problems if p.code == ProblemCode.NO_NARRATIVE]
    return email, problems


def deliver(
    options: SendOptions,
    config: Config,
    settings: EmailSettings,
    result: BuildResult,
    prepared: Prepared,
) -> SendOutcome:
    """Send the built report (`result`, made from `prepared`) to the chosen lists; every partner
    gets it once, in the language of their Language column when the report is made in it, else
    the first. `sitrep.report.send` builds the report first and calls this."""
    reports, problems = _report_emails(config, result, prepared, settings)
    report = reports[0]
    if problems and not options.skip_checks:
        raise NotFitToSend(
            f"Situation Report No. {report.number} ({report.report_date}) is not fit to send:\n  "
            + "\n  ".join(problems)
            + "\nFix these and build again, or send anyway with --skip-checks."
        )
    if "partners" not in prepared.tables:
        raise ConfigError(
            "no distribution list: set inputs.partners in sitrep.toml or pass --input partners=PATH"
        )
    records, refused = _partners(prepared)
    recipients = select_recipients(partners_from_records(records), options.lists or None)
    outbox = outbox_dir(config, result)
    if settings.smtp is None:
        # An older sitrep wrote every issue's .eml straight into outbox/: not this issue's.
        for stale in outbox.parent.glob("*.eml"):
            stale.unlink(missing_ok=True)
    with make_transport(settings, os.environ.get(PASSWORD_ENV), outbox) as transport:
        summary = send_report(
            report,
            recipients,
            settings=settings,
            transport=transport,
            ledger_path=ledger_path(config),
            now=dt.datetime.now(dt.UTC),
            progress=options.progress,
            resend_unknown=options.resend_unknown,
            translations=reports[1:],
        )
    if refused:  # errors of this send, for those partners: the run exits 1, naming them
        summary = dataclasses.replace(summary, results=[*summary.results, *refused])
    where = "outbox" if settings.smtp is None else str(getattr(transport, "target", "SMTP"))
    made = {email.language for email in reports}
    missing = [locale for locale in editions(config) if locale not in made]
    return SendOutcome(report, summary, where, missing)


def _partners(prepared: Prepared) -> tuple[list[dict], list[RecipientResult]]:
    """The partners table's rows to send to, and a refusal for each row with an error (a bad or
    repeated address): sent to no one until it is fixed. A wrong table (a missing column, an
    unreadable file) refuses everyone."""
    problems = prepared.partner_problems
    if whole := [p for p in problems if p.row is None]:
        raise ConfigError(
            "the distribution list cannot be used:\n  " + "\n  ".join(map(str, whole))
        )
    rows = {p.row: p for p in problems}
    records = prepared.tables["partners"].frame.to_dict("records")
    refused = [
        RecipientResult(
            str(r.get("email") or "") or f"partners row {r['_row']}",
            str(r.get("name") or ""),
            "failed_permanent",
            error=f"not sent: {rows[r['_row']]}",
        )
        for r in records
        if r["_row"] in rows
    ]
    return [r for r in records if r["_row"] not in rows], refused


def send_status(workspace: Path, day: dt.date | None) -> tuple[ReportEmail, list[LedgerRow]]:
    """The ledger's rows for the issued report of `day` (default: the latest issued)."""
    config = load_config(workspace)
    record = load_record(config.output_dir)
    issued = latest_issue(record, day) if day else max(record, key=lambda e: e.date, default=None)
    if issued is None:
        raise SitrepError(f"no report issued for {day or 'any date'}: run sitrep build first")
    pdf = config.output_dir / issued.pdf
    report = ReportEmail(
        config.country,
        config.crisis,
        config.issuing_office,
        issued.number,
        issued.revision,
        issued.day,
        config.period_start,
        issued.day,
        None,
        pdf,
        issued.pdf_sha256,
        [],
        [],
        [],
        None,
        config.illustrative,
        language=config.locale,
    )
    return report, ledger_report(ledger_path(config), report)
