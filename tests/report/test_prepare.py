"""`prepare`: load, validate and compute once per run; rendering leaves what it made unchanged."""

from __future__ import annotations

import copy
import sys

import pytest

from sitrep.pipeline import prepare
from sitrep.render.document import render
from sitrep.report import BuildOptions, build_report
from sitrep.settings.config import load_config, template_dirs
from tests.conftest import copy_workspace, quicken

DAY = "2021-08-24"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample workspace (never built) and what `prepare` makes of it."""
    ws = copy_workspace(tmp_path_factory.mktemp("prepare") / "ws")
    config = load_config(ws)
    return ws, config, prepare(config, None)


def test_prepare_gives_the_tables_figures_and_narrative_of_the_latest_date(sample) -> None:
    _, config, prepared = sample
    assert prepared.day.isoformat() == DAY and prepared.data_latest == prepared.day
    assert list(prepared.editions) == list(prepared.figures) == [config.locale]
    assert prepared.figures[config.locale].report_date == prepared.day
    assert prepared.narratives[config.locale].highlights
    assert {"displacement", "contacts", "partners"} <= set(prepared.tables)
    assert not [p for p in prepared.all_problems if p.severity == "error"]


def test_rendering_twice_gives_the_same_html_and_leaves_the_figures_as_they_were(sample) -> None:
    ws, config, prepared = sample
    figures = prepared.figures[config.locale]
    before = copy.deepcopy(figures)
    dirs = template_dirs(config.templates_dir)
    first = render(prepared, BuildOptions(ws), dirs, 10, 0)
    second = render(prepared, BuildOptions(ws), dirs, 10, 0)
    assert first.html == second.html
    assert figures == before  # the contacts and map places are sources of the HTML, not added
    assert len(figures.sources) == len(before.sources)
    # ...yet the report still lists the contacts among its sources, and attaches them
    assert "contacts" not in {s.table for s in figures.sources}
    assert any(a.name.startswith("contacts") for a in first.attachments) or not config.attach_data


@pytest.mark.slow
def test_a_build_carries_what_it_was_made_from(tmp_path) -> None:
    ws = quicken(copy_workspace(tmp_path / "ws"))  # what it was made from, not which tables
    result = build_report(BuildOptions(ws))
    assert result.prepared is not None and result.prepared.day == result.date
    again = build_report(BuildOptions(ws))
    assert again.reused and again.prepared is None  # nothing was loaded


@pytest.mark.slow
def test_send_reads_the_inputs_once(tmp_path, monkeypatch) -> None:
    """`sitrep send` builds the report, then writes its emails from the build's figures."""
    from sitrep.delivery.distribute import SendOptions
    from sitrep.inputs.load import load_tables
    from sitrep.report import send

    monkeypatch.delenv("SITREP_SMTP_URL", raising=False)
    loads = []

    def counted(*args, **kwargs):
        loads.append(args)
        return load_tables(*args, **kwargs)

    # wherever sitrep's modules hold load_tables (the stage that reads every table)
    holders = [m for n, m in sys.modules.items() if n.startswith("sitrep")]
    for module in holders:
        if getattr(module, "load_tables", None) is load_tables:
            monkeypatch.setattr(module, "load_tables", counted)
    ws = quicken(copy_workspace(tmp_path / "ws"))  # how often tables are read, not which
    outcome = send(SendOptions(ws))
    assert len(loads) == 1
    assert outcome.transport == "outbox" and outcome.report.key_figures
    messages = list(outcome.report.pdf_path.parent.glob("outbox/*/*.eml"))
    assert len(messages) == len(outcome.summary.results) > 0


def test_an_area_batch_prepares_no_report_wide_figures(sample) -> None:
    _, config, _ = sample
    prepared = prepare(config, None, locales=[config.locale], figures=False)
    assert prepared.figures == {}
    assert list(prepared.narratives) == [config.locale]


def test_a_partners_error_is_a_builds_warning_said_in_the_language(tmp_path) -> None:
    """A bad address in the distribution list does not stop a build: its problem is a warning
    that `send` will skip the partner, a catalogue entry said in the workspace's language."""
    from sitrep.problems import Message, Wording
    from sitrep.render.catalogue import load_messages
    from sitrep.settings.config import DEFAULT_TEMPLATES, InputSource

    ws = copy_workspace(tmp_path / "ws")
    partners = tmp_path / "partners.csv"
    partners.write_text("name,email,organisation,lists\nBo,bo@@example,NGO,WASH\n", "utf-8")
    prepared = prepare(load_config(ws), None, {"partners": InputSource(partners)}, figures=False)
    (warning,) = [p for p in prepared.all_problems if p.table == "partners"]
    assert warning.severity == "warning" and isinstance(warning.message, Message)
    assert str(warning.message).endswith(
        " (sitrep send will not send to this partner until it is fixed)"
    )
    said = Wording(load_messages([DEFAULT_TEMPLATES], "pt"), "pt").written(warning.message)
    assert said.startswith("espera-se um endereço") and said.endswith(
        " (o sitrep send não enviará nada a este parceiro até que seja corrigido)"
    ), said
