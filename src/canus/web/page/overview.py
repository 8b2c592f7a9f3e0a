"""The overview: what the relationship is, with the headline figure of each section."""

from __future__ import annotations

from collections.abc import Mapping

import duckdb

from canus.i18n import _
from canus.web.page import sections
from canus.web.page.model import Builder, PageModel


def build(con: duckdb.DuckDBPyConnection | None, lang: str, pillars: Mapping[str, Builder]) -> PageModel:
    """The overview, with the headline figure of each pillar's page (built by ``pillars``)."""
    page = PageModel(
        section_id="overview",
        title=_("Canada–United States relations, measured", lang),
        intro=[
            _(
                "This page follows the Government of Canada's description of the relationship "
                "between Canada and the United States, section by section, and puts each of its "
                "figures next to the latest official data of both countries.",
                lang,
            ),
            _(
                "Every figure names its source, its licence and the period it covers. Where a "
                "figure cannot be checked yet, the page says which source is missing.",
                lang,
            ),
        ],
    )
    cards = []
    for sec in sections.SECTIONS:
        if not sec.in_nav or sec.id == "overview":
            continue
        builder = pillars.get(sec.id)
        sub = builder(con, lang) if builder else None
        # The card's figure keeps the source and date it has on its own page.
        figure = sub.sourced_figures(lang)[0] if sub and sub.figures else None
        if figure is not None:
            page.figures.append(figure)
        cards.append(
            {
                "section": sec,
                "figure": figure,
                "has_data": bool(sub and (sub.figures or sub.charts or sub.tables)),
            }
        )
    page.extra["cards"] = cards
    page.extra["claims"] = _claim_counts(con)
    return page


def _claim_counts(con: duckdb.DuckDBPyConnection | None) -> dict[str, int]:
    """How the page's claims fare against the published data, for the overview's summary."""
    from canus.claims.checker import check_all, tally
    from canus.claims.register import coverage

    return {**tally(check_all(con)), **coverage()}
