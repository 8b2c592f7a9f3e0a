"""Security and defence: shared commands, alliances and each country's defence spending."""

from __future__ import annotations

import altair as alt
import duckdb

from canus.i18n import _, fmt_percent
from canus.metrics import MetricTable
from canus.pillars.registry_tables import cooperation_table, spending_table
from canus.web.page.model import KeyFigure, PageModel
from canus.web.render.charts import PALETTE, Chart


def _spending_spec(table: MetricTable, lang: str) -> alt.TopLevelMixin:
    # Years are uneven (2014, then recent years): a quantitative axis keeps the gaps honest.
    names = {"canada": _("Canada", lang), "united_states": _("United States", lang)}
    # A line joins consecutive years only: no straight line drawn across the years with no data.
    segment, previous = 0, None
    rows = []
    for r in table.rows:
        if previous is not None and r["year"] != previous + 1:
            segment += 1
        previous = r["year"]
        rows += [
            {"year": r["year"], "country": names[k], "share": r[k], "run": f"{k}-{segment}"}
            for k in names
            if r[k] is not None
        ]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_line(point=True)
        .encode(
            detail="run:N",
            x=alt.X(
                "year:Q", title=_("Year", lang), axis=alt.Axis(format="d", tickMinStep=1), scale=alt.Scale(zero=False)
            ),
            y=alt.Y("share:Q", title=_("Share of GDP", lang), axis=alt.Axis(format=".1%")),
            color=alt.Color("country:N", title=None, scale=alt.Scale(range=PALETTE), legend=alt.Legend(orient="top")),
        )
        .properties(width=640, height=260)
    )


def _summary(table: MetricTable, lang: str) -> str:
    last = table.rows[-1]
    return _(
        "In {year}, Canada spent {ca} of its GDP on defence and the United States {us}.",
        lang,
        year=last["year"],
        ca=fmt_percent(last["canada"], lang),
        us=fmt_percent(last["united_states"], lang),
    )


def spending_chart(con: duckdb.DuckDBPyConnection | None) -> Chart | None:
    table = spending_table()
    if table is None:
        return None
    return Chart(
        id="security-defence-spending",
        table=table,
        spec=_spending_spec,
        summary=_summary,
        alt_text=lambda t, lang: _(
            "Line chart of defence spending as a share of GDP, Canada and the United States, by year.", lang
        ),
    )


CHARTS = {"security-defence-spending": spending_chart}


def build(con: duckdb.DuckDBPyConnection | None, lang: str) -> PageModel:
    page = PageModel(
        section_id="security",
        title=_("Security and defence", lang),
        intro=[
            _(
                "The two countries defend North America together and belong to the same "
                "alliances. This section lists the joint commands and partnerships, and "
                "compares what each country spends on defence.",
                lang,
            )
        ],
    )
    chart = spending_chart(con)
    if chart is not None:
        page.charts.append(chart)
        last = chart.table.rows[-1]
        page.figures.append(
            KeyFigure(
                label=_("Canada's defence spending, share of GDP, {year}", lang, year=last["year"]),
                value=fmt_percent(last["canada"], lang),
            )
        )
        page.figures.append(
            KeyFigure(
                label=_("United States defence spending, share of GDP, {year}", lang, year=last["year"]),
                value=fmt_percent(last["united_states"], lang),
            )
        )
    page.tables.append(cooperation_table(lang))
    return page
