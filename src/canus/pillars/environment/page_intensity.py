"""Shared environment page: emissions per person for both countries, and per person and per dollar of
GDP as an index 2005 = 100 (the per-GDP levels are in two currencies and are not drawn side by side).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import duckdb

from canus import terminology
from canus.i18n import _, fmt_number
from canus.metrics import MetricTable
from canus.metrics.catalogue import available
from canus.pillars.environment import intensity
from canus.pillars.environment.targets import COUNTRIES
from canus.web.page.model import KeyFigure, PageModel
from canus.web.render.charts import PALETTE, Chart

CHART_ID = "environment-ghg-intensity"
#: Index series → legend label and dash: per person solid, per dollar of GDP dashed.
MEASURES = {
    "per_person_index": ("Per person", [1, 0]),
    "per_gdp_index": ("Per dollar of GDP", [6, 3]),
}


def _country(code: str, lang: str) -> str:
    return _(COUNTRIES[code], lang) if code in COUNTRIES else code


def spec(t: MetricTable, lang: str) -> alt.TopLevelMixin:
    """Two panels: tonnes per person by country; both measures as an index, 2005 = 100."""
    color = alt.Color("country:N", title=None, scale=alt.Scale(range=PALETTE), legend=alt.Legend(orient="top"))
    x = alt.X("year:Q", title=_("Year", lang), axis=alt.Axis(format="d", tickMinStep=1))
    per_person = [{"year": r["year"], "country": _country(r["country"], lang), "t": r["t_per_person"]} for r in t.rows]
    top = (
        alt.Chart(alt.Data(values=per_person))
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("t:Q", title=_("Tonnes of CO2 eq. per person", lang), axis=alt.Axis(format=",.0f")),
            color=color,
        )
        .properties(width=600, height=200)
    )
    labels = [_(label, lang) for label, _dash in MEASURES.values()]
    index: list[dict[str, Any]] = [
        {"year": r["year"], "country": _country(r["country"], lang), "measure": _(label, lang), "index": r[col]}
        for r in t.rows
        for col, (label, _dash) in MEASURES.items()
        if r[col] is not None
    ]
    base = alt.Chart(alt.Data(values=[{"y": 100}])).mark_rule(color="#6f6f6f", strokeDash=[3, 3]).encode(y="y:Q")
    # The points are a layer of their own: drawn by the line, they would turn the dash legend into dots.
    indexed = alt.Chart(alt.Data(values=index))
    points = indexed.mark_point(filled=True, size=30, opacity=1).encode(
        x=x, y="index:Q", color=alt.Color("country:N", scale=alt.Scale(range=PALETTE), legend=None)
    )
    bottom = indexed.mark_line().encode(
        x=x,
        y=alt.Y("index:Q", title=_("Index, 2005 = 100", lang), axis=alt.Axis(format=",.0f")),
        color=color,
        strokeDash=alt.StrokeDash(
            "measure:N",
            title=None,
            scale=alt.Scale(domain=labels, range=[dash for _label, dash in MEASURES.values()]),
            legend=alt.Legend(orient="top", symbolType="stroke", symbolStrokeColor="#333", labelLimit=0),
        ),
        detail="measure:N",
    )
    return alt.vconcat(top, alt.layer(bottom, points, base).properties(width=600, height=200))


def _summary(t: MetricTable, lang: str) -> str:
    s = t.summary
    parts = []
    for code in ("CA", "US"):
        if f"{code}_latest_year" not in s:
            continue
        if f"{code}_per_person_index" in s:
            parts.append(
                _(
                    "{country}: {t} tonnes per person in {year}; per person {pp} and per dollar of GDP {pg} "
                    "(2005 = 100)",
                    lang,
                    country=_country(code, lang),
                    t=fmt_number(float(s[f"{code}_t_per_person"]), lang, 1),
                    year=s[f"{code}_latest_year"],
                    pp=fmt_number(float(s[f"{code}_per_person_index"]), lang),
                    pg=fmt_number(float(s[f"{code}_per_gdp_index"]), lang),
                )
            )
        else:
            parts.append(
                _(
                    "{country}: {t} tonnes per person in {year}",
                    lang,
                    country=_country(code, lang),
                    t=fmt_number(float(s[f"{code}_t_per_person"]), lang, 1),
                    year=s[f"{code}_latest_year"],
                )
            )
    return "; ".join(parts) + "." if parts else ""


def left_out(t: MetricTable, lang: str) -> list[str]:
    """The inventory years the table leaves out, and why, one sentence per country and reason."""
    out = []
    for code in ("CA", "US"):
        for key, text in (
            ("no_population", "{country}: inventory years left out for want of a population figure: {years}."),
            ("no_gdp", "{country}: inventory years left out for want of a real GDP figure: {years}."),
            ("no_base_year", "{country}: no index, for want of population and GDP figures for {years}."),
        ):
            years = t.summary.get(f"{code}_{key}")
            if years:
                out.append(_(text, lang, country=_country(code, lang), years=years))
    return out


def intensity_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not available(con, "environment-ghg-intensity"):
        return None
    table = intensity.intensity(con)
    if not table.rows:
        return None

    def summary(t: MetricTable, lang: str) -> str:
        return " ".join([_summary(t, lang), *left_out(t, lang)]).strip()

    return Chart(
        id=CHART_ID,
        table=table,
        spec=spec,
        summary=summary,
        alt_text=lambda t, lang: _(
            "Two line charts: greenhouse gas emissions per person of Canada and the United States in "
            "tonnes of CO2 equivalent, by inventory year; and emissions per person (solid) and per "
            "dollar of real GDP (dashed) of each country as an index, 2005 = 100.",
            lang,
        ),
    )


CHARTS = {CHART_ID: intensity_chart}


def add_sections(page: PageModel, con: duckdb.DuckDBPyConnection | None, lang: str) -> None:
    """The intensity chart (with its table, downloads and twin) and a key figure per country."""
    chart = intensity_chart(con) if con is not None else None
    if chart is None:
        return
    page.charts.append(chart)
    latest: dict[str, dict[str, Any]] = {}
    for r in chart.table.rows:
        latest[r["country"]] = r
    by_source = {p.source_id: p for p in chart.table.provenance}
    for code, r in latest.items():
        # The figure rests on the country's inventory and population, not on the page's first source.
        used = [by_source[s] for s in intensity.SOURCES[code][:2] if s in by_source]
        page.figures.append(
            KeyFigure(
                label=_(
                    "{country}: tonnes of greenhouse gases per person in {year}",
                    lang,
                    country=_country(code, lang),
                    year=r["year"],
                ),
                value=fmt_number(r["t_per_person"], lang, 1),
                source="; ".join(dict.fromkeys(p.publisher.get(lang, p.publisher["en"]) for p in used)),
                source_url=terminology.url_in(used[0].landing_url, lang)[0] if used else "",
                date=_("data to {period}", lang, period=str(r["year"])),
            )
        )
