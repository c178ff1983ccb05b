"""sitrep.toml against its one schema: every problem at once, unknown names with a suggestion,
types, defaults, and the README's settings tables listing exactly the declared keys."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from sitrep.errors import ConfigError
from sitrep.settings.check import markdown_table
from sitrep.settings.config import load_config
from sitrep.settings.figures import FigureSettings
from sitrep.settings.limits import Limits
from sitrep.settings.schema import SECTIONS, PublishSettings

ROOT = Path(__file__).parents[2]
INPUTS = """
[inputs]
displacement = "inputs/data.xlsx#displacement"
blockades = "inputs/data.xlsx#blockades"
routes = "routes.csv"
"""


def _workspace(tmp_path: Path, text: str) -> Path:
    (tmp_path / "sitrep.toml").write_text(text, encoding="utf-8")
    return tmp_path


def _problems(tmp_path: Path, text: str) -> list[str]:
    """The problems load_config reports, one a line, after the "has N problem(s):" line."""
    with pytest.raises(ConfigError) as error:
        load_config(_workspace(tmp_path, text))
    first, *lines = str(error.value).splitlines()
    assert first.endswith(f"has {len(lines)} problem(s):"), first
    return [line.strip() for line in lines]


def test_bad_keys_in_several_sections_are_reported_in_one_error(tmp_path: Path):
    problems = _problems(
        tmp_path,
        '[report]\npage_size = "A5"\ncadence = "monthly"\n'
        + INPUTS
        + '\n[limits]\nmax_rows = 0\n\n[figures]\ntop_areas = -1\nheadline_rounding = "rough"\n'
        + '\n[geography]\nlevels = "Province"\n\n[email]\nfrom = "nobody"\nmax_attempts = 99\n',
    )
    assert problems == [
        "report.cadence: 'monthly' is not 'daily', 'weekly' or a number of days from 1 to 366",
        "report.page_size: 'A5' is not 'A4' or 'Letter'",
        'geography.levels: \'Province\' is not a list of words, e.g. ["Province", "District"]',
        "limits.max_rows: 0 is not a whole number of 1 or more",
        "figures.headline_rounding: 'rough' is not 'exact' or 'compact'",
        "figures.top_areas: -1 is not a whole number of 0 or more",
        "email.from: 'nobody' is not an email address",
        "email.max_attempts: 99 is not a whole number from 1 to 20",
    ]


def test_an_unknown_key_is_named_with_the_closest_known_one(tmp_path: Path):
    problems = _problems(
        tmp_path,
        '[report]\nlocael = "fr"\nlangauges = ["fr"]\nlogo = "x.png"\n'
        + INPUTS
        + "\n[limits]\nmax_row = 10\n",
    )
    assert problems[:2] == [
        "report.locael: unknown key; did you mean `locale`?",
        "report.langauges: unknown key; did you mean `languages`?",
    ]
    assert problems[2].startswith("report.logo: unknown key (known: country, crisis, slug,")
    assert problems[3] == "limits.max_row: unknown key; did you mean `max_rows`?"
    assert len(problems) == 4


def test_an_unknown_section_is_named_with_the_closest_known_one(tmp_path: Path):
    problems = _problems(tmp_path, '[reprot]\nlocale = "fr"\n\n[colours]\nx = 1\n' + INPUTS)
    assert problems == [
        "[reprot]: unknown section; did you mean `report`?",
        "[colours]: unknown section (known: report, inputs, geography, limits, figures, "
        "indicators, publish, email)",
    ]


def test_a_section_that_is_not_a_table_is_said(tmp_path: Path):
    assert _problems(tmp_path, "limits = 5\n" + INPUTS) == [
        "[limits]: expected a table of settings"
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("crisis = 5", "report.crisis: 5 is not text"),
        ('illustrative = "yes"', "report.illustrative: 'yes' is not true or false"),
        ('period_start = "2021-08-15"', "report.period_start: '2021-08-15' is not a date"),
        ("first_report = 2021-08-15T08:00:00", "report.first_report: datetime.datetime("),
        ("first_number = true", "report.first_number: True is not a positive whole number"),
        ("cadence = 2.5", "report.cadence: 2.5 is not 'daily', 'weekly'"),
        ("languages = 'fr'", "report.languages: 'fr' is not a list of languages"),
        ("boundaries = 3", "report.boundaries: 3 is not a path"),
    ],
)
def test_a_value_of_the_wrong_type_is_said_with_its_key(tmp_path: Path, line: str, problem: str):
    problems = _problems(tmp_path, f"[report]\n{line}\n" + INPUTS)
    assert len(problems) == 1 and problems[0].startswith(problem), problems


def test_a_missing_required_table_and_email_sender_are_said(tmp_path: Path):
    problems = _problems(tmp_path, '[inputs]\nroutes = "r.csv"\n\n[email]\nreply_to = "a@b.org"\n')
    assert [p.split(":")[0] for p in problems] == [
        "inputs.displacement",
        "inputs.blockades",
        "email.from",
    ]
    assert all(": missing; set it to " in p for p in problems)


def test_a_password_in_the_settings_is_refused_and_not_echoed(tmp_path: Path):
    problems = _problems(
        tmp_path,
        INPUTS + '\n[email]\nfrom = "a@example.org"\npassword = "hunter2"\n'
        'smtp = "smtps://me:hunter3@relay.example.org"\n',
    )
    assert [p.split(":")[0] for p in problems] == ["email.password", "email.smtp"]
    assert all("SITREP_SMTP_PASSWORD" in p for p in problems)
    assert "hunter" not in "\n".join(problems)


def test_defaults_are_filled_in(tmp_path: Path):
    config = load_config(_workspace(tmp_path, "[report]\nperiod_start = 2024-03-01\n" + INPUTS))
    assert (config.locale, config.page_size, config.cadence_days) == ("en", "A4", 1)
    assert (config.first_number, config.stale_days, config.household_size) == (1, 3, None)
    assert config.first_report == dt.date(2024, 3, 1)  # period_start's
    assert config.slug == "sitrep" and config.country == config.country_code == ""
    assert (config.pdf_variant, config.attach_data, config.digits) == (
        "pdf/a-3a+ua-1",
        True,
        "default",
    )
    assert (config.languages, config.levels, config.boundaries) == ((), (), None)
    assert config.limits == Limits() and config.figures == FigureSettings()
    assert config.narrative_dir == tmp_path.resolve() / "inputs" / "narrative"
    assert set(config.inputs) == {"displacement", "blockades", "routes"}
    assert config.inputs["displacement"].sheet == "displacement"
    assert config.email is None and config.publish == PublishSettings()  # typed, never a dict


def test_set_values_reach_the_settings_objects(tmp_path: Path):
    config = load_config(
        _workspace(
            tmp_path,
            '[report]\ncountry = "HTI"\nlanguages = ["fr", "en"]\ncadence = "weekly"\n'
            'pdf_variant = "none"\n'
            + INPUTS
            + '\n[limits]\nmax_rows = 10\n\n[figures]\nheadline_rounding = "compact"\n'
            + '\n[geography]\nlevels = [" Département ", "Commune"]\n',
        )
    )
    assert (config.locale, config.languages, config.country) == ("fr", ("fr", "en"), "Haïti")
    assert (config.cadence_days, config.pdf_variant) == (7, None)
    assert config.limits.max_rows == 10 and config.limits.max_sheets == Limits().max_sheets
    assert config.figures.headline_rounding == "compact"
    assert config.levels == ("Département", "Commune")


def test_every_default_passes_its_own_check():
    for section in SECTIONS:
        for key in section.keys:
            if key.default is not None:
                assert key.problems(key.default) == [], f"{section.name}.{key.name}"


def _readme_settings() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("## Settings (`sitrep.toml`)\n", 1)[1].split("\n## ", 1)[0]


def test_the_readme_documents_exactly_the_declared_keys():
    text = _readme_settings()
    for section in SECTIONS:
        assert markdown_table(section) in text, (
            f"README.md's [{section.name}] table differs from the schema; it should read:\n\n"
            + markdown_table(section)
        )
    documented = re.findall(r"^\| `([^`]+)` \|", text, flags=re.MULTILINE)
    assert len(documented) == sum(len(s.keys) for s in SECTIONS)  # no key the schema lacks
    headings = re.findall(r"^\*\*`\[(\w+)(?:\.NAME)?\]`\*\*", text, flags=re.MULTILINE)
    assert headings == [s.name for s in SECTIONS]
