"""Energy: electricity trade across the border (CER), by year, province and destination; then every
form of energy both ways, partners and ranks, and the cross-border lines (page_forms)."""

from __future__ import annotations

import duckdb

from canus import terminology
from canus.i18n import _, fmt_amount, fmt_number, fmt_percent
from canus.metrics import MetricTable, periods
from canus.metrics.catalogue import available
from canus.pillars.energy import metrics as m
from canus.pillars.energy import page_census, page_forms
from canus.web.page.model import KeyFigure, PageModel
from canus.web.render.charts import Chart, bar_chart, line_chart


def _has_data(con: duckdb.DuckDBPyConnection | None) -> bool:
    return available(con, "energy-electricity-annual") and not m._empty(con)  # type: ignore[arg-type]


def _complete(table: MetricTable) -> list[dict]:
    return [r for r in table.rows if r["months"] == 12]


def _trade_summary(table: MetricTable, lang: str) -> str:
    full = _complete(table)
    if not full:
        return _("No complete year of data yet.", lang)
    last = full[-1]
    return _(
        "In {year}, Canada exported {exp} GWh of electricity to the United States and imported {imp} GWh.",
        lang,
        year=last["year"],
        exp=fmt_number(last["exports_gwh"], lang),
        imp=fmt_number(last["imports_gwh"], lang),
    )


def trade_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not _has_data(con):
        return None
    table = m.annual_trade(con)
    table.rows = _complete(table)
    if not table.rows:
        return None  # no complete year: the page shows the partial table instead
    return Chart(
        id="energy-electricity-trade",
        table=table,
        spec=line_chart("year", ["exports_gwh", "imports_gwh"]),
        summary=_trade_summary,
        alt_text=lambda t, lang: _(
            "Line chart of electricity exported to and imported from the United States, in gigawatt hours, by year.",
            lang,
        ),
    )


def provinces_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not _has_data(con):
        return None
    table = m.top_provinces(con)
    if not table.rows:
        return None
    return Chart(
        id="energy-electricity-provinces",
        table=table,
        spec=bar_chart("province", "exports_gwh"),
        summary=lambda t, lang: (
            _(
                "In {year}, {province} exported the most electricity to the United States.",
                lang,
                year=t.summary.get("year", ""),
                province=terminology.name(t.rows[0]["province"], lang),
            )
            if t.rows
            else ""
        ),
        alt_text=lambda t, lang: _(
            "Bar chart of electricity exports to the United States by province, in gigawatt hours.", lang
        ),
    )


CHARTS = {
    "energy-electricity-trade": trade_chart,
    "energy-electricity-provinces": provinces_chart,
    **page_forms.CHARTS,
    **page_census.CHARTS,
}


def revisions_note(table: MetricTable, lang: str) -> str:
    """What CER's annual file changed, in one sentence: the years it covers and its largest move."""
    if not table.rows:
        return ""
    first, last = table.rows[0]["year"], table.rows[-1]["year"]
    years = str(first) if first == last else f"{first}\u2013{last}"
    if table.summary.get("revised_rows", "0") == "0":
        return _(
            "CER's annual file covers {years}; those years use its figures, and it revises none "
            "of them against the sum of the monthly file.",
            lang,
            years=years,
        )
    big = max(table.rows, key=lambda r: abs(r["revision_mwh"]))
    direction = _("exports", lang) if big["activity"] == "export" else _("imports", lang)
    return _(
        "CER's annual file covers {years}; those years use its figures, which revise the "
        "monthly ones. Largest revision: {direction} of {year}, {mwh} MWh ({share}) and {cad} "
        "against the sum of the monthly file.",
        lang,
        years=years,
        direction=direction,
        year=big["year"],
        mwh=fmt_number(big["revision_mwh"], lang),
        share=fmt_percent(big["revision_share"], lang, 2),
        cad=fmt_amount(big["revision_cad"], lang, "CAD"),
    )


def build(con: duckdb.DuckDBPyConnection | None, lang: str) -> PageModel:
    page = PageModel(
        section_id="energy",
        title=_("Energy", lang),
        intro=[
            _(
                "The two electricity grids are linked by many transmission lines, and each "
                "country is the other's main foreign supplier of energy. These figures follow "
                "the electricity that crosses the border, as reported to the Canada Energy "
                "Regulator.",
                lang,
            ),
            _(
                "Below them come every form of energy both ways — crude oil, natural gas and electricity, as "
                "each country reports them — each country's rank as the other's supplier, and the pipelines "
                "and power lines that cross the border.",
                lang,
            ),
        ],
    )
    if con is not None and _has_data(con):
        _electricity(page, con, lang)
    page_forms.add_sections(page, con, lang)
    page_census.add_section(page, con, lang)
    return page


def _electricity(page: PageModel, con: duckdb.DuckDBPyConnection, lang: str) -> None:
    trade = trade_chart(con)
    provinces = provinces_chart(con)
    if trade is not None:
        last = trade.table.rows[-1]
        page.figures += [
            KeyFigure(
                label=_("Electricity exported to the United States, {year}", lang, year=periods.row_period(last, lang)),
                value=f"{fmt_number(last['exports_gwh'], lang)} GWh",
            ),
            KeyFigure(
                label=_("Value of those exports, {year}", lang, year=periods.row_period(last, lang)),
                value=fmt_amount(last["exports_value_cad"], lang, "CAD"),
            ),
            KeyFigure(
                label=_("Net exports, {year}", lang, year=periods.row_period(last, lang)),
                value=f"{fmt_number(last['net_exports_gwh'], lang)} GWh",
            ),
        ]
        page.charts.append(trade)
    else:
        page.tables.append(m.annual_trade(con))
        page.notes.append(_("No complete year of data yet.", lang))
    if provinces is not None:
        page.charts.append(provinces)
    states = m.top_states(con)
    if states.rows:
        page.tables.append(states)
    revisions = m.annual_revisions(con)
    if revisions.rows:
        page.notes.append(revisions_note(revisions, lang))
        page.tables.append(revisions)
