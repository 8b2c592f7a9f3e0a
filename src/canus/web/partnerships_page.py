"""Partnerships and organizations: the multilateral bodies both countries belong to."""

from __future__ import annotations

import duckdb

from canus.i18n import _, fmt_number
from canus.metrics import Column
from canus.web.page_model import KeyFigure, PageModel, register_section
from canus.web.section_support import fact_table, registry


def build(con: duckdb.DuckDBPyConnection | None, lang: str) -> PageModel:
    page = PageModel(
        section_id="partnerships",
        title=_("Partnerships and organizations", lang),
        intro=[_("Canada and the United States sit together in many international "
                 "organizations. This list gives each one's founding year and when each "
                 "country joined.", lang)],
    )
    reg = registry("partnerships")
    if reg is None:
        page.missing_sources.append("registry: partnerships")
        return page
    page.figures.append(KeyFigure(
        label=_("Organizations in canus's register that both countries belong to", lang),
        value=fmt_number(len(reg.organizations), lang)))
    page.tables.append(fact_table(
        "partnerships-organizations", "International organizations both countries belong to",
        "Organizations with both Canada and the United States as members, from their own pages.",
        reg.organizations, lang,
        [Column("acronym", "Acronym", "text"), Column("founded", "Founded", "year"),
         Column("canada_member_since", "Canada a member since", "year"),
         Column("us_member_since", "United States a member since", "year")],
        lambda o: {"acronym": o.acronym.get(lang), "founded": o.founded,
                   "canada_member_since": o.canada_member_since,
                   "us_member_since": o.us_member_since},
    ))
    return page


register_section("partnerships", build)
