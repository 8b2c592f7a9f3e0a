"""Every section page and every embeddable chart, declared: nothing registers itself on import.

A pillar's page lists what it still waits for from the metric catalogue, so "data still to
come" on a page and a metric's 503 in the API can never disagree.
"""

from __future__ import annotations

from functools import partial

import duckdb

from canus.metrics import catalogue
from canus.pillars import PILLARS, diplomacy, partnerships, security, societies
from canus.pillars.border import page as border
from canus.pillars.energy import page as energy
from canus.pillars.environment import page as environment
from canus.pillars.environment import page_extra as environment_extra
from canus.pillars.environment import page_intensity as environment_intensity
from canus.pillars.trade import page as trade
from canus.web.page import overview
from canus.web.page.model import Builder, ChartBuilder, PageModel

_PILLAR_PAGES: dict[str, Builder] = {
    "diplomacy": diplomacy.build,
    "border": border.build,
    "security": security.build,
    "trade": trade.build,
    "environment": environment.build,
    "energy": energy.build,
    "societies": societies.build,
    "partnerships": partnerships.build,
}
assert tuple(_PILLAR_PAGES) == PILLARS, "every pillar has a page, in the order of PILLARS"


def _with_missing(pillar: str, build: Builder) -> Builder:
    def built(con: duckdb.DuckDBPyConnection | None, lang: str) -> PageModel:
        page = build(con, lang)
        waiting = catalogue.missing_for_pillar(con, pillar)
        page.missing_sources = [*waiting, *(s for s in page.missing_sources if s not in waiting)]
        return page

    built.__name__ = f"build_{pillar}"
    return built


PILLAR_BUILDERS: dict[str, Builder] = {p: _with_missing(p, b) for p, b in _PILLAR_PAGES.items()}
SECTION_BUILDERS: dict[str, Builder] = {
    "overview": partial(overview.build, pillars=PILLAR_BUILDERS),
    **PILLAR_BUILDERS,
}
CHART_BUILDERS: dict[str, ChartBuilder] = {
    **border.CHARTS,
    **security.CHARTS,
    **trade.CHARTS,
    **environment.CHARTS,
    **environment_extra.CHARTS,
    **environment_intensity.CHARTS,
    **energy.CHARTS,
}
