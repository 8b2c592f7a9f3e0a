"""Shared environment: Great Lakes levels, acid-rain pollutants and the treaties behind them."""

from __future__ import annotations

import duckdb

from canus import terminology
from canus.i18n import _, fmt_number, fmt_percent
from canus.metrics import MetricTable
from canus.metrics.catalogue import available
from canus.pillars.environment import metrics as env
from canus.pillars.environment import page_extra, page_intensity
from canus.pillars.registry_tables import agreements_table
from canus.web.page.model import KeyFigure, PageModel
from canus.web.render.charts import Chart, line_chart


def air_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not available(con, "environment-acid-rain-emissions"):
        return None
    table = env.acid_rain_emissions(con)
    if not table.rows:
        return None

    def summary(t: MetricTable, lang: str) -> str:
        s = t.summary
        if not s:
            return ""
        return _(
            "From {base} to {last}, Canada's sulphur oxide emissions changed by {sox} and "
            "its nitrogen oxide emissions by {nox}.",
            lang,
            base=s["base_year"],
            last=s["latest_inventory_year"],
            sox=fmt_percent(float(s["sox_change"]), lang, 0),
            nox=fmt_percent(float(s["nox_change"]), lang, 0),
        )

    return Chart(
        id="environment-acid-rain",
        table=table,
        # Inventory years solid, ECCC projections dashed, with a legend entry for each.
        spec=line_chart("year", ["sox_kt", "nox_kt"], basis="basis", observed="Inventory"),
        summary=summary,
        alt_text=lambda t, lang: _(
            "Line chart of Canada's sulphur oxide and nitrogen oxide "
            "emissions in kilotonnes, by year, projections included.",
            lang,
        ),
    )


CHARTS = {"environment-acid-rain": air_chart}


def build(con: duckdb.DuckDBPyConnection | None, lang: str) -> PageModel:
    page = PageModel(
        section_id="environment",
        title=_("Shared environment", lang),
        intro=[
            _(
                "Four of the five Great Lakes, many rivers and the air itself cross the border. "
                "This section follows the lakes' water levels and the air pollutants the two "
                "countries agreed to cut, and lists the agreements that bind them.",
                lang,
            )
        ],
    )
    lakes = env.great_lakes_levels(con) if con is not None and available(con, "environment-great-lakes") else None
    if lakes is not None and lakes.rows:
        page.tables.append(lakes)
        for r in lakes.rows[:1]:
            page.figures.append(
                KeyFigure(
                    label=_(
                        "{lake}: mean level in {year}, against the long-term mean",
                        lang,
                        lake=terminology.name(r["lake"], lang),
                        year=r["latest_year"],
                    ),
                    value=fmt_number(r["difference_m"], lang, 2) + " m",
                )
            )
    air = air_chart(con) if con is not None else None
    if air is not None:
        page.charts.append(air)
    page.tables.append(agreements_table(lang))
    page_extra.add_sections(page, con, lang)  # both countries: GHG, SO2/NOx, lakes' month, targets
    page_intensity.add_sections(page, con, lang)  # both countries: emissions per person and per GDP
    return page
