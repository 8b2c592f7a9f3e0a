"""The trade section page: its key figures, charts and tables, for every language and twin."""

from __future__ import annotations

import duckdb

from canus.i18n import _, fmt_amount, fmt_percent
from canus.metrics import MetricTable, periods
from canus.pillars.trade import metrics as m
from canus.pillars.trade.supply_chain import METHOD
from canus.web.page import sections
from canus.web.page.model import KeyFigure, PageModel
from canus.web.render.charts import Chart, bar_chart, line_chart

EXPOSURE_SLUG = {"en": "exposure", "fr": "exposition"}


# ---------------------------------------------------------------------------- charts


def _complete(table: MetricTable) -> MetricTable:
    table.rows = [r for r in table.rows if r.get("months", 12) == 12]
    return table


def _by_year_summary(table: MetricTable, lang: str) -> str:
    if not table.rows:
        return _("No complete year of data yet.", lang)
    last = table.rows[-1]
    return _(
        "In {year}, Canada exported {exports} of goods to the United States and imported "
        "{imports} from it, about {per_day} of trade a day.",
        lang,
        year=last["year"],
        exports=fmt_amount(last["exports"], lang, "CAD"),
        imports=fmt_amount(last["imports"], lang, "CAD"),
        per_day=fmt_amount(last["per_day"], lang, "CAD"),
    )


def by_year_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    table = _complete(m.goods_yearly(con))
    if not table.rows:
        return None
    return Chart(
        id="trade-by-year",
        table=table,
        spec=line_chart("year", ["exports", "imports"], money="CAD"),
        summary=_by_year_summary,
        alt_text=lambda t, lang: _(
            "Line chart of Canada's merchandise exports to and imports "
            "from the United States by year, in Canadian dollars.",
            lang,
        ),
    )


def _mirror_summary(table: MetricTable, lang: str) -> str:
    if not table.rows:
        return ""
    last = table.rows[-1]
    if last.get("exports_gap_pct") is None:
        return ""
    return _(
        "In {year}, US records of imports from Canada differed from Canada's records of "
        "its exports to the US by {pct}.",
        lang,
        year=last["year"],
        pct=fmt_percent(last["exports_gap_pct"], lang),
    )


def mirror_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    table = m.mirror(con, "CAD")
    if not table.rows:
        return None
    return Chart(
        id="trade-mirror",
        table=table,
        spec=line_chart("year", ["ca_exports", "us_imports", "ca_imports", "us_exports"], money="CAD"),
        summary=_mirror_summary,
        alt_text=lambda t, lang: _(
            "Line chart comparing each country's record of the same flows of goods, by year, in Canadian dollars.", lang
        ),
    )


def sections_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    table = m.composition(con)
    if not table.rows:
        return None

    def summary(t: MetricTable, lang: str) -> str:
        top = t.rows[0]
        return _(
            "In {year}, the largest product section of Canada's exports to the US was {section}, {share} of the total.",
            lang,
            year=t.summary.get("year", ""),
            section=top["section"],
            share=fmt_percent(top["export_share"], lang),
        )

    return Chart(
        id="trade-sections",
        table=table,
        spec=bar_chart("section", "exports", money="CAD"),
        summary=summary,
        alt_text=lambda t, lang: _("Bar chart of Canada's exports to the US by product section.", lang),
    )


def provinces_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    table = m.by_province(con)
    if not table.rows:
        return None

    def summary(t: MetricTable, lang: str) -> str:
        top = t.rows[0]
        return _(
            "In {year}, {province} accounted for {share} of Canada's exports to the US.",
            lang,
            year=t.summary.get("year", ""),
            province=top["province"],
            share=fmt_percent(top["export_share"], lang),
        )

    return Chart(
        id="trade-provinces",
        table=table,
        spec=bar_chart("province", "exports", money="CAD"),
        summary=summary,
        alt_text=lambda t, lang: _("Bar chart of exports to the US by province and territory.", lang),
    )


def _us_side_summary(table: MetricTable, lang: str) -> str:
    if not table.rows:
        return _("No complete year of data yet.", lang)
    last = table.rows[-1]
    return _(
        "In {year}, by US records, the United States exported {exports} of goods to Canada "
        "and imported {imports} from it.",
        lang,
        year=last["year"],
        exports=fmt_amount(last["us_exports"], lang, "USD"),
        imports=fmt_amount(last["us_imports"], lang, "USD"),
    )


def us_side_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    table = _complete(m.us_goods_yearly(con))
    if not table.rows:
        return None
    return Chart(
        id="trade-us-side",
        table=table,
        spec=line_chart("year", ["us_exports", "us_imports"], money="USD"),
        summary=_us_side_summary,
        alt_text=lambda t, lang: _(
            "Line chart of US goods exports to and imports from Canada "
            "by year, in US dollars, as the United States records them.",
            lang,
        ),
    )


#: The page draws these in order; the US side stands in when Canada's tables are absent.
PAGE_CHARTS = {
    "trade-by-year": by_year_chart,
    "trade-mirror": mirror_chart,
    "trade-sections": sections_chart,
    "trade-provinces": provinces_chart,
}
CHARTS = {**PAGE_CHARTS, "trade-us-side": us_side_chart}


# ---------------------------------------------------------------------------- section page


def build(con: duckdb.DuckDBPyConnection | None, lang: str) -> PageModel:
    page = PageModel(
        section_id="trade",
        title=_("Trade", lang),
        intro=[
            _(
                "Goods and services traded between Canada and the United States, as each "
                "country records them, by product, province and state.",
                lang,
            ),
            _(m.GOODS_DEF, lang),
        ],
    )
    if con is None:
        return page
    charts = [c for c in (fn(con) for fn in PAGE_CHARTS.values()) if c is not None]
    if not any(c.id == "trade-mirror" for c in charts):
        # Without Canada's tables the mirror view cannot be drawn; the US side alone still can.
        us_side = us_side_chart(con)
        if us_side is not None:
            charts.append(us_side)
            # The page shows US records only: say so rather than describe Canada's tables.
            page.intro[1] = _(
                "Until Statistics Canada's tables are loaded, the figures below are "
                "the United States' records of its goods trade with Canada (US Census "
                "Bureau, via FRED), in US dollars.",
                lang,
            )
            last = us_side.table.rows[-1]
            page.figures.append(
                KeyFigure(
                    label=_(
                        "Goods traded with Canada, both directions, {year}, by US records",
                        lang,
                        year=periods.row_period(last, lang),
                    ),
                    value=fmt_amount(last["total"], lang, "USD"),
                    note=_("In Canadian dollars: {cad}", lang, cad=fmt_amount(last["total_cad"], lang, "CAD"))
                    if last["total_cad"]
                    else "",
                )
            )
    page.charts = charts
    goods = next((c.table for c in charts if c.id == "trade-by-year"), None)
    if goods is not None and goods.rows:
        last = goods.rows[-1]
        page.figures.append(
            KeyFigure(
                label=_(
                    "Merchandise trade with the US, both directions, {year}", lang, year=periods.row_period(last, lang)
                ),
                value=fmt_amount(last["total"], lang, "CAD"),
                note=_("Customs basis, Statistics Canada.", lang),
            )
        )
        page.figures.append(
            KeyFigure(
                label=_("Merchandise trade with the US per day, {year}", lang, year=periods.row_period(last, lang)),
                value=fmt_amount(last["per_day"], lang, "CAD"),
            )
        )
    gs = m.goods_and_services_yearly(con)
    if gs.rows:
        last = gs.rows[-1]
        page.figures.append(
            KeyFigure(
                label=_("Goods and services traded with the US, {year}", lang, year=last["year"]),
                value=fmt_amount(last["total"], lang, "CAD"),
                note=_("In US dollars: {usd}", lang, usd=fmt_amount(last["total_usd"], lang, "USD"))
                if last["total_usd"]
                else "",
                claim_id="bilateral-trade-2022",
            )
        )
        page.tables.append(gs)
    partners = m.partner_shares(con)
    us = next((r for r in partners.rows if r["partner"] == "United States"), None)
    if us is not None and us["export_share"] is not None:
        page.figures.append(
            KeyFigure(
                label=_(
                    "Share of Canada's merchandise exports going to the US, {year}",
                    lang,
                    year=partners.summary.get("year", ""),
                ),
                value=fmt_percent(us["export_share"], lang),
            )
        )
        page.tables.append(partners)
    estimate = m.supply_chain(con)
    if estimate.rows:
        last = estimate.rows[-1]
        page.figures.append(
            KeyFigure(
                label=_(
                    "Estimated share of exports to the US that are inputs or capital goods for US producers, {year}",
                    lang,
                    year=last["year"],
                ),
                value=_(
                    "{low} to {high}",
                    lang,
                    low=fmt_percent(last["low"], lang, 0),
                    high=fmt_percent(last["high"], lang, 0),
                ),
                note=METHOD[lang],
                claim_id="supply-chain-80pct",
            )
        )
        page.tables.append(estimate)
    states = m.by_state(con)
    if states.rows:
        page.tables.append(states)
    mirror = next((c.table for c in charts if c.id == "trade-mirror"), None)
    if mirror is not None:
        page.notes.append(m.MIRROR_CAUSES[lang])
    page.links.append(
        (_("Tariff exposure calculator", lang), sections.path_for("trade", lang, "/" + EXPOSURE_SLUG[lang]))
    )
    return page
