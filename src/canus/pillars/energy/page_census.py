"""Energy page, coal and uranium: Canada's share of US imports and exports of each, by whole year, as the
US Census Bureau reports them, with the per-code table and the method (value ranks, coal's energy content
an estimate, none for uranium)."""

from __future__ import annotations

import altair as alt
import duckdb

from canus import countries
from canus.i18n import _, fmt_percent
from canus.metrics import MetricTable
from canus.metrics.catalogue import available
from canus.pillars.energy import coal_uranium as cu
from canus.pillars.energy import forms as f
from canus.web.page.model import PageModel
from canus.web.render.charts import PALETTE, Chart

CHART_ID = "energy-coal-uranium"
#: The form's total line: coal is one heading, uranium three codes added up ("all").
TOTAL_LINE = {"coal": "2701", "uranium": "all"}
SERIES = {
    ("us_imports", "coal"): "US coal imports",
    ("us_exports", "coal"): "US coal exports",
    ("us_imports", "uranium"): "US uranium imports",
    ("us_exports", "uranium"): "US uranium exports",
}
FORM_NAMES = {"coal": "coal", "uranium": "uranium"}


def _totals(table: MetricTable) -> list[dict]:
    return [r for r in table.rows if r["commodity"] == TOTAL_LINE.get(r["form"])]


def _summary(t: MetricTable, lang: str) -> str:
    totals = _totals(t)
    last = max(r["year"] for r in totals)
    parts = []
    for r in totals:
        if r["year"] != last or r["direction"] != "us_imports":
            continue
        form = _(FORM_NAMES[r["form"]], lang)
        if r["canada_rank"] is None:
            parts.append(
                _(
                    "{form}: none from Canada; first: {first}",
                    lang,
                    form=form,
                    first=countries.display(r["first_partner"], lang),
                )
            )
        else:
            parts.append(
                _(
                    "{form}: Canada {share} of the value, rank {rank} of {partners}; first: {first}",
                    lang,
                    form=form,
                    share=fmt_percent(r["canada_share"], lang, 0),
                    rank=r["canada_rank"],
                    partners=r["partners"],
                    first=countries.display(r["first_partner"], lang),
                )
            )
    if not parts:
        return _("US imports of coal and uranium in {year}: no partner country reported.", lang, year=last)
    return _("US imports in {year} — {parts}.", lang, year=last, parts="; ".join(parts))


def coal_uranium_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not available(con, "energy-coal-uranium-trade"):
        return None
    # The table keeps every line (uranium code by code); the bars draw each form's total.
    table = cu.coal_uranium_trade(con)
    if not _totals(table):
        return None

    def spec(t: MetricTable, lang: str) -> alt.TopLevelMixin:
        order = [_(v, lang) for v in SERIES.values()]
        rows = [
            {
                "year": str(r["year"]),
                "series": _(SERIES[(r["direction"], r["form"])], lang),
                "share": r["canada_share"] or 0.0,
                "rank": r["canada_rank"],
            }
            for r in _totals(t)
        ]
        return (
            alt.Chart(alt.Data(values=rows))
            .mark_bar()
            .encode(
                x=alt.X("year:O", title=_("Year", lang), axis=alt.Axis(labelAngle=0)),
                xOffset=alt.XOffset("series:N", sort=order),
                y=alt.Y("share:Q", title=_("Canada's share", lang), axis=alt.Axis(format=".0%")),
                color=alt.Color(
                    "series:N",
                    title=None,
                    scale=alt.Scale(domain=order, range=PALETTE[: len(order)]),
                    legend=alt.Legend(orient="top"),
                ),
            )
            .properties(width=520, height=240)
        )

    return Chart(
        id=CHART_ID,
        table=table,
        spec=spec,
        summary=_summary,
        alt_text=lambda t, lang: _(
            "Grouped bar chart of Canada's share of US imports and exports of coal and uranium, by value, by year.",
            lang,
        ),
    )


CHARTS = {CHART_ID: coal_uranium_chart}


def add_section(page: PageModel, con: duckdb.DuckDBPyConnection | None, lang: str) -> None:
    """Coal and uranium with every partner (Census): the chart with its per-code table, and the method.

    Without the Census table nothing is added here; the page's "data still to come" names
    census-trade, from the catalogue's needs.
    """
    if con is None:
        return
    chart = coal_uranium_chart(con)
    if chart is None:
        return
    page.charts.append(chart)
    page.notes += [_(cu.METHOD, lang), _(f.CENSUS_METHOD, lang)]
