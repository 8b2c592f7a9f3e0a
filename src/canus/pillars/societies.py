"""Fair and just societies: the people who link the two countries."""

from __future__ import annotations

import duckdb

from canus.i18n import _
from canus.metrics import format_value
from canus.pillars.registry_tables import people_table, registry
from canus.web.page.model import KeyFigure, PageModel


def build(con: duckdb.DuckDBPyConnection | None, lang: str) -> PageModel:
    page = PageModel(
        section_id="societies",
        title=_("Fair and just societies", lang),
        intro=[
            _(
                "Both governments say they work against discrimination and with Indigenous "
                "peoples, whose nations often span the border. Few of these commitments come "
                "with a published figure; the ones that do are below, with their source.",
                lang,
            )
        ],
    )
    reg = registry("people")
    for f in reg.facts:
        unit = "persons" if f.unit == "persons" else "count"
        page.figures.append(
            KeyFigure(
                label=f.label.get(lang) + (f" ({f.year})" if f.year else ""),
                value=format_value(f.value, unit, lang),
                note=f.definition.get(lang) if f.definition else "",
            )
        )
    page.tables.append(people_table(lang))
    return page
