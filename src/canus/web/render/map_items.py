"""Maps as page items: the SVG and the text list that stands beside it."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from canus.i18n import _
from canus.pillars.environment.metrics import BOUNDARY_SOURCE as NATURAL_EARTH
from canus.pillars.environment.metrics import boundaries_geojson
from canus.web.render.maps import BORDER_REGION, NORTH_AMERICA, Extent, Point, render_map


@dataclass
class MapItem:
    id: str
    title: str
    summary: str
    svg: str
    points: list[Point]
    #: Column heading of the value in the text list, when points carry one.
    value_label: str = ""
    #: Source that will draw the outline, when the warehouse has none yet.
    missing_outline: str | None = None
    legend: list[tuple[str, str]] = field(default_factory=list)


def make_map(
    con: duckdb.DuckDBPyConnection | None,
    lang: str,
    *,
    map_id: str,
    title: str,
    summary: str,
    points: list[Point],
    value_label: str = "",
    wide: bool = False,
    legend: list[tuple[str, str]] | None = None,
) -> MapItem:
    geojson = boundaries_geojson(con) if con is not None else None
    extent: Extent = NORTH_AMERICA if wide else BORDER_REGION
    svg = render_map(
        map_id=map_id,
        title=title,
        description=summary,
        geojson=geojson,
        points=points,
        extent=extent,
        width=720,
        height=420 if wide else 300,
        lang=lang,
    )
    return MapItem(
        id=map_id,
        title=title,
        summary=summary,
        svg=svg,
        points=points,
        value_label=value_label,
        legend=legend or [],
        missing_outline=None if geojson else NATURAL_EARTH,
    )


def outline_note(lang: str) -> str:
    return _("The country outlines appear once the Natural Earth boundaries are loaded.", lang)
