"""What the report's templates see: figures, narrative, charts, the access map, data files.

One plain dictionary per report (and per language of the report, and per area report), made
from the figures, the narrative and the checked tables; `attachments` is for the PDF stage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

from sitrep import __version__
from sitrep.figures.compute import source_uses
from sitrep.geo.pcodelist import DATASETS, PLATFORM
from sitrep.inputs.cod import base_gazetteer
from sitrep.inputs.localnames import LOCALISED
from sitrep.render.accessmap import access_map, load_places
from sitrep.render.attachments import NEVER_ATTACHED, table_file
from sitrep.render.bidi import listing
from sitrep.render.charts import displacement_chart, price_chart
from sitrep.render.clusters import response_sections
from sitrep.render.corrections import Corrections
from sitrep.render.html import load_messages, make_translator
from sitrep.render.mapparts import map_routes
from sitrep.render.numerals import date, numbering_system
from sitrep.render.response_chart import Bar, response_chart
from sitrep.render.rows import figure_rows
from sitrep.render.situationmap import situation_map
from sitrep.settings.config import Config, level_words, template_dirs
from sitrep.settings.languages import editions, language_of, right_to_left
from sitrep.settings.naming import report_name
from sitrep.tableschema import FILE
from sitrep.validate.table import records
from sitrep.validate.tables import workspace_gazetteer

COD_AB = "OCHA Common Operational Datasets (COD-AB), via HDX"

if TYPE_CHECKING:
    from sitrep.figures.compute import Figures
    from sitrep.inputs.boundaries import Boundaries
    from sitrep.inputs.narrative import Narrative
    from sitrep.pipeline import BuildOptions
    from sitrep.render.html import Translator
    from sitrep.validate.table import Table


def report_context(
    config: Config,
    figures: Figures,
    narrative: Narrative,
    tables: dict[str, Table],
    number: int,
    revision: int,
    options: BuildOptions,
    t: Translator | None = None,
    boundaries: Boundaries | None = None,
    area: str | None = None,
    corrections: Corrections | None = None,
) -> dict:
    """What the templates see: figures, narrative, inline SVG charts and map, data files.

    `attachments` (the input rows used, as CSV files) is for the PDF stage, not the templates.
    `t`: the report's words, when the caller holds them already (one per area report would
    parse the catalogues again). `boundaries`: the office's, for the situation map; `area`:
    the admin-1 P-code of an area report (its map is zoomed on it).
    """
    dirs = template_dirs(config.templates_dir)
    if t is None:
        messages = load_messages(dirs, config.locale)
        t = make_translator(messages, config.locale, config.digits, isolating=True)
    rtl = right_to_left(config.locale)
    charts = {
        "displacement": displacement_chart(figures, t, config.locale, dirs, rtl)
        if figures.provinces
        else None,
        "prices": price_chart(figures.prices, t, config.locale, dirs, rtl),
        "response": _response_chart(figures, t, config.locale, dirs, rtl),
    }
    language = language_of(config.locale)
    reported = [language_of(x) for x in editions(config)]
    places = load_places(tables["places"].frame, language, reported) if "places" in tables else {}
    vias = {}
    if "routes" in tables:
        used_routes = {r.route_id: r.since for r in figures.routes}
        for r in records(tables["routes"].frame):
            if used_routes.get(r["route_id"]) == r["since"]:
                vias[r["route_id"]] = r["via"]
    the_map = access_map(figures.routes, vias, places, t, dirs, config.boundaries, rtl)
    situation = None
    if boundaries is not None:
        situation = situation_map(
            boundaries,
            figures,
            config.map_shading,
            config.map_level,
            workspace_gazetteer(tables, base_gazetteer(config)),
            map_routes(figures.routes, vias, places),
            t,
            dirs,
            rtl,
            area,
            level_words(config.levels, t),
        )
    # The map's places and the contacts are sources too: the templates see them among the
    # figures' sources, in a copy. Rendering never changes the figures it is given.
    sources = list(figures.sources)
    if the_map.places:
        frame = tables["places"].frame
        place_rows = {p.row for p in the_map.places}
        sources += source_uses(tables["places"], frame[frame["_row"].isin(place_rows)], None)
    contacts = [
        {**c, **{k: c.get(f"{k}_{language}") or c[k] for k in LOCALISED["contacts"]}}
        for c in (records(tables["contacts"].frame) if "contacts" in tables else [])
    ]  # their title and organisation in the report's language, where a column gives it
    if contacts:
        sources += source_uses(tables["contacts"], tables["contacts"].frame, None)
    if len(sources) > len(figures.sources):
        figures = replace(figures, sources=sources)
    attachments = []
    if config.attach_data:
        for name in sorted({s.table for s in figures.sources} - NEVER_ATTACHED):
            frame = tables[name].frame
            rows: set[int] | set[tuple[str, int]] = figures.rows_used(name)
            if FILE in frame:  # a table of several files: a row is its file and its number
                rows = {
                    (s.file, n) for s in figures.sources if s.table == name for n in s.row_numbers
                }
            attachments.append(table_file(name, frame, rows, t(f"tables.{name}")))
    return {
        "config": config,
        "levels": level_words(config.levels, t),
        "title": t("report.title", country=config.country, crisis=config.crisis),
        "number": number,
        "revision": revision,
        "draft": options.draft,
        "corrections": corrections or Corrections(),  # a revision's, earlier figures revised
        "fig": figures,
        "narrative": narrative,
        "contacts": contacts,
        # sitrep.render.drawing escapes the cell text it draws; a drawing is markup sitrep made (its
        # __html__), with its description for alt text
        "charts": charts,
        "access_map": the_map,
        "situation_map": situation,  # None without [geography] boundaries
        "boundaries_credit": _boundaries_credit(config, boundaries, t),
        "attachments": attachments,
        # the PDF beside the HTML edition, which links to it (a per-area report names its own)
        "pdf_file": report_name(config, figures.report_date, number, revision, options.draft)
        + ".pdf",
        "places_credit": _places_credit(config, t),
        # the narrative's response cut at its clusters, each with its figures
        "clusters": response_sections(
            narrative.sections.get("response", ""), figures.general.response, figures.general.needs
        ),
        # the rows behind each key figure, for the edition (screen only)
        "figure_rows": figure_rows(
            figures.key_figures,
            tables,
            workspace_gazetteer(tables, base_gazetteer(config)),
            config.household_size,
            (config.country_code, config.country),
        ),
        "generator": f"sitrep {__version__}",
    }


def _boundaries_credit(config: Config, boundaries: Boundaries | None, t: Translator) -> str | None:
    """'OCHA Common Operational Datasets (COD-AB), via HDX (afg_adm.zip, valid from ...)', in
    the report's language."""
    if boundaries is None:
        return None
    source = config.boundaries_source or COD_AB
    name = boundaries.file.replace("\\", "/").rsplit("/", 1)[-1]
    valid = boundaries.geometry.valid_on
    if not valid:
        return t("map.boundaries_credit", source=source, file=name)
    try:  # the file's validOn, as the report writes dates ("2024-05-01" or with a time)
        day = dt.date.fromisoformat(valid[:10])
        valid = date(day, "d MMMM y", config.locale, numbering_system(config.locale, config.digits))
    except ValueError:
        pass  # a date the file writes otherwise is printed as written
    return t("map.boundaries_credit_valid", source=source, file=name, date=valid)


def _response_chart(figures: Figures, t: Translator, locale: str, dirs: list, rtl: bool):
    response = figures.general.response
    if response is None or response.presence_only:
        return None
    bars = [Bar(c.cluster, c.targeted, c.reached) for c in response.clusters]
    return response_chart(bars, response.as_of, t, locale, dirs, rtl)


def _places_credit(config: Config, t: Translator) -> str | None:
    """The credit the P-code lists ask for, with the lists and their dates, in the report's
    language; None without."""
    if not config.country_code:
        return None
    lists = [f"{title} ({date})" if date else title for title, date in base_gazetteer(config).lists]
    rtl = right_to_left(config.locale)
    return t(
        "sources.credit",
        datasets=DATASETS,
        platform=PLATFORM,
        lists=listing(lists, config.locale, rtl, semicolon=True),
    )
