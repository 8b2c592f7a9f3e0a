"""Fair and just societies: the people who link the two countries."""

from __future__ import annotations

import duckdb

from canus.i18n import _
from canus.metrics import Column, format_value
from canus.web.page_model import KeyFigure, PageModel, register_section
from canus.web.section_support import fact_table, registry


def build(con: duckdb.DuckDBPyConnection | None, lang: str) -> PageModel:
    page = PageModel(
        section_id="societies",
        title=_("Fair and just societies", lang),
        intro=[_("Both governments say they work against discrimination and with Indigenous "
                 "peoples, whose nations often span the border. Few of these commitments come "
                 "with a published figure; the ones that do are below, with their source.",
                 lang)],
    )
    reg = registry("people")
    if reg is None:
        page.missing_sources.append("registry: people")
        return page
    for f in reg.facts:
        unit = "persons" if f.unit == "persons" else "count"
        page.figures.append(KeyFigure(
            label=f.label.get(lang) + (f" ({f.year})" if f.year else ""),
            value=format_value(f.value, unit, lang),
            note=f.definition.get(lang) if f.definition else ""))
    page.tables.append(fact_table(
        "societies-people", "People linking the two countries",
        "Counts of people canus records with their definition, year and source.",
        reg.facts, lang,
        [Column("value", "Value", "count"), Column("year", "Year", "year")],
        lambda f: {"value": f.value, "year": f.year},
    ))
    return page


register_section("societies", build)
