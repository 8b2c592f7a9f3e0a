"""The diplomatic network: each country's missions in the other, on a map and in a list."""

from __future__ import annotations

import duckdb

from canus import terminology
from canus.i18n import _, fmt_number
from canus.pillars.registry_tables import OPERATORS, missions_table, registry
from canus.web.page.model import KeyFigure, PageModel
from canus.web.render.map_items import make_map
from canus.web.render.maps import Point


def _place(label: str, city: str) -> str:
    return label if city in label else f"{label} ({city})"


def build(con: duckdb.DuckDBPyConnection | None, lang: str) -> PageModel:
    page = PageModel(
        section_id="diplomacy",
        title=_("Diplomatic network", lang),
        intro=[
            _(
                "Each country keeps an embassy in the other's capital and consulates in its "
                "main cities. The list below is canus's own register of these offices, each "
                "with the official page it was taken from.",
                lang,
            )
        ],
    )
    reg = registry("missions")
    for op, heading in OPERATORS.items():
        # Honorary consuls are people, not offices: counted in their own figure below.
        listed = [m for m in reg.missions if m.operator == op and m.kind != "honorary_consul"]
        page.figures.append(
            KeyFigure(label=_("Offices listed: {who}", lang, who=_(heading, lang)), value=fmt_number(len(listed), lang))
        )
    for d in reg.declared_counts:
        page.figures.append(
            KeyFigure(
                label=d.label.get(lang), value=fmt_number(d.value, lang), note=_("As the operator publishes it.", lang)
            )
        )
    points = [
        Point(
            m.id,
            _place(m.label.get(lang), terminology.name(m.city, lang)),
            m.lon,
            m.lat,
            kind="mission" if m.operator == "canada" else "mission-us",
        )
        for m in reg.missions
    ]
    page.extra["maps"] = [
        make_map(
            con,
            lang,
            map_id="map-missions",
            wide=True,
            title=_("Map of the diplomatic missions", lang),
            summary=_(
                "{n} offices: red diamonds for Canada's offices in the United States, blue "
                "diamonds for the United States' offices in Canada.",
                lang,
                n=fmt_number(len(points), lang),
            ),
            points=points,
            legend=[("mission", _("Canada's offices", lang)), ("mission-us", _("United States offices", lang))],
        )
    ]
    for op in OPERATORS:
        page.tables.append(missions_table(op, lang))
    return page
