"""Partnerships and organizations: the multilateral bodies both countries belong to."""

from __future__ import annotations

import duckdb

from canus.i18n import _, fmt_number
from canus.pillars.registry_tables import organizations_table, registry
from canus.web.page.model import KeyFigure, PageModel


def build(con: duckdb.DuckDBPyConnection | None, lang: str) -> PageModel:
    page = PageModel(
        section_id="partnerships",
        title=_("Partnerships and organizations", lang),
        intro=[
            _(
                "Canada and the United States sit together in many international "
                "organizations. This list gives each one's founding year and when each "
                "country joined.",
                lang,
            )
        ],
    )
    reg = registry("partnerships")
    page.figures.append(
        KeyFigure(
            label=_("Organizations in canus's register that both countries belong to", lang),
            value=fmt_number(len(reg.organizations), lang),
        )
    )
    page.tables.append(organizations_table(lang))
    return page
