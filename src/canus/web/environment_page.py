"""Shared environment: Great Lakes levels, acid-rain pollutants and the treaties behind them."""

from __future__ import annotations

import duckdb

from canus import terminology
from canus.i18n import _, fmt_number, fmt_percent
from canus.metrics import Column, MetricTable
from canus.web.charts import Chart, line_chart
from canus.web.page_model import KeyFigure, PageModel, register_chart, register_section
from canus.web.section_support import fact_table, optional_module, registry

LAKES_SOURCE = "great-lakes-water-levels"
AIR_SOURCE = "air-emissions"
THEMES = {"environment", "water", "wildlife", "parks", "climate"}


def _env():  # type: ignore[no-untyped-def]
    return optional_module("canus.metrics.environment")


def air_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    env = _env()
    if env is None or con is None:
        return None
    table = env.acid_rain_emissions(con)
    if not table.rows:
        return None

    def summary(t: MetricTable, lang: str) -> str:
        s = t.summary
        if not s:
            return ""
        return _("From {base} to {last}, Canada's sulphur oxide emissions changed by {sox} and "
                 "its nitrogen oxide emissions by {nox}.", lang, base=s["base_year"],
                 last=s["latest_inventory_year"], sox=fmt_percent(float(s["sox_change"]), lang, 0),
                 nox=fmt_percent(float(s["nox_change"]), lang, 0))

    return Chart(
        id="environment-acid-rain", table=table,
        spec=line_chart("year", ["sox_kt", "nox_kt"]),
        summary=summary,
        alt_text=lambda t, lang: _("Line chart of Canada's sulphur oxide and nitrogen oxide "
                                   "emissions in kilotonnes, by year, projections included.",
                                   lang),
    )


register_chart("environment-acid-rain", air_chart)


def build(con: duckdb.DuckDBPyConnection | None, lang: str) -> PageModel:
    page = PageModel(
        section_id="environment",
        title=_("Shared environment", lang),
        intro=[_("Four of the five Great Lakes, many rivers and the air itself cross the border. "
                 "This section follows the lakes' water levels and the air pollutants the two "
                 "countries agreed to cut, and lists the agreements that bind them.", lang)],
    )
    env = _env()
    lakes = env.great_lakes_levels(con) if env is not None and con is not None else None
    if lakes is not None and lakes.rows:
        page.tables.append(lakes)
        for r in lakes.rows[:1]:
            page.figures.append(KeyFigure(
                label=_("{lake}: mean level in {year}, against the long-term mean", lang,
                        lake=terminology.name(r["lake"], lang), year=r["latest_year"]),
                value=fmt_number(r["difference_m"], lang, 2) + " m"))
    else:
        page.missing_sources.append(LAKES_SOURCE)
    air = air_chart(con) if con is not None else None
    if air is not None:
        page.charts.append(air)
    else:
        page.missing_sources.append(AIR_SOURCE)
    reg = registry("agreements")
    if reg is not None:
        chosen = [a for a in reg.agreements if THEMES & set(a.theme)]
        page.tables.append(fact_table(
            "environment-agreements", "Environmental agreements between the two countries",
            "Treaties and agreements on water, air, wildlife and climate, with their dates.",
            chosen, lang,
            [Column("signed", "Signed", "date"), Column("in_force", "In force", "date")],
            lambda a: {"signed": a.signed, "in_force": a.in_force},
        ))
    return page


register_section("environment", build)
