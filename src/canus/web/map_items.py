"""Maps as page items: the SVG and the text list that stands beside it."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from canus.i18n import _
from canus.web.maps import BORDER_REGION, NORTH_AMERICA, Extent, Point, render_map
from canus.web.section_support import NATURAL_EARTH, boundaries_geojson


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
    con: duckdb.DuckDBPyConnection | None, lang: str, *, map_id: str, title: str, summary: str,
    points: list[Point], value_label: str = "", wide: bool = False,
    legend: list[tuple[str, str]] | None = None,
) -> MapItem:
    geojson = boundaries_geojson(con)
    extent: Extent = NORTH_AMERICA if wide else BORDER_REGION
    svg = render_map(map_id=map_id, title=title, description=summary, geojson=geojson,
                     points=points, extent=extent, width=720, height=420 if wide else 300, lang=lang)
    return MapItem(id=map_id, title=title, summary=summary, svg=svg, points=points,
                   value_label=value_label, legend=legend or [],
                   missing_outline=None if geojson else NATURAL_EARTH)


def outline_note(lang: str) -> str:
    return _("The country outlines appear once the Natural Earth boundaries are loaded.", lang)
