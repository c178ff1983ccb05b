"""A quiet day, with no row dated on the report date but earlier rows, is still a report day:
its report says that nothing new was reported and since when the figures stand, in the
report's language (from the catalogue), and claims no "0 newly displaced" for the day."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest

from sitrep.pipeline import prepare
from sitrep.render.document import render
from sitrep.report import BuildOptions
from sitrep.settings.config import load_config, template_dirs
from tests.conftest import copy_workspace, quicken
from tests.new_languages import DAY, fill, init

TODAY = dt.date(2026, 12, 6)


def page(workspace: Path, day: dt.date) -> str:
    """The report of `day` as HTML text (no PDF laid out)."""
    config = load_config(workspace)
    prepared = prepare(config, day, today=TODAY)
    dirs = template_dirs(config.templates_dir)
    rendered = render(prepared, BuildOptions(workspace, day), dirs, 3, 0)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", rendered.html)).split())


def test_a_day_after_the_last_rows_makes_a_report_that_says_nothing_new_was_reported(
    tmp_path: Path,
):
    # rows up to 24 August 2021; quickened: the sentence, not the tables it leaves out
    workspace = quicken(copy_workspace(tmp_path / "ws"))
    text = page(workspace, dt.date(2021, 8, 26))
    said = "Nothing new was reported on 26 August 2021: the figures stand as last reported, "
    assert said + "on 24 August 2021." in text
    # a day with rows says nothing of the kind
    assert "Nothing new was reported" not in page(workspace, dt.date(2021, 8, 24))


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "pt",
            "Nada de novo foi comunicado em 21 de novembro de 2026: os números são os "
            "últimos comunicados, em 19 de novembro de 2026.",
        ),
        (
            "uk",
            "21 листопада 2026 р. нових даних не надійшло: цифри наведено за останніми "
            "даними від 19 листопада 2026 р.",
        ),
    ],
)
def test_the_quiet_day_sentence_is_in_the_reports_language(
    tmp_path: Path, language: str, said: str
):
    workspace = tmp_path / "ws"
    code, output = init(workspace, "MOZ", language)
    assert code == 0, output
    fill(workspace, "MOZ", language, "Cabo Delgado")
    assert said in page(workspace, DAY + dt.timedelta(days=2))
