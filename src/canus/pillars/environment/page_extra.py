"""Shared environment page, both countries: greenhouse-gas paths against the goals (inventory,
projection and target line drawn apart), emissions by sector, SO2 and NOx since 1980 with the
Air Quality Agreement marked, the Great Lakes' latest month, and the climate-targets registry.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import duckdb

from canus import terminology
from canus.i18n import _, fmt_month, fmt_number, fmt_percent
from canus.metrics import MetricTable
from canus.metrics.catalogue import available
from canus.pillars.environment import air, ghg, lakes
from canus.pillars.environment.targets import COUNTRIES, targets_table
from canus.web.page.model import KeyFigure, PageModel
from canus.web.render.charts import PALETTE, Chart

#: Row kind → legend label and dash pattern: measured past solid, forecast dashed, arithmetic dotted.
KINDS = {
    "inventory": ("Inventory", [1, 0]),
    "projection": ("Projection (ECCC reference case)", [6, 3]),
    "target_line": ("Straight line to the goals", [2, 3]),
}
#: Short labels beside the marker lines (air.MARKERS has the full names, in the table).
SHORT_MARKERS = {1991: "1991 Agreement", 2000: "2000 Ozone Annex"}


def _country(code: str, lang: str) -> str:
    return _(COUNTRIES[code], lang) if code in COUNTRIES else code


# ---------------------------------------------------------------------------- GHG paths


def ghg_paths_spec(t: MetricTable, lang: str) -> alt.TopLevelMixin:
    """One line per country and row kind; the kind is a strokeDash with its own legend entry."""
    order = [_(label, lang) for label, _dash in KINDS.values()]
    rows = [
        {
            "year": r["year"],
            "country": _country(r["country"], lang),
            "kind": _(KINDS[r["row_kind"]][0], lang),
            "mt": r["emissions_mt"] if r["emissions_mt"] is not None else r["line_mt"],
        }
        for r in t.rows
        if (r["emissions_mt"] if r["emissions_mt"] is not None else r["line_mt"]) is not None
    ]
    # Projection and target line start from the latest inventory point, so no gap reads as missing data.
    last: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["kind"] == order[0] and r["year"] >= last.get(r["country"], {"year": 0})["year"]:
            last[r["country"]] = r
    for country, anchor in last.items():
        for kind in order[1:]:
            if any(r["country"] == country and r["kind"] == kind for r in rows):
                rows.append({**anchor, "kind": kind})
    present = [k for k in order if any(r["kind"] == k for r in rows)]
    dashes = [dash for (label, dash) in KINDS.values() if _(label, lang) in present]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_line()
        .encode(
            x=alt.X("year:Q", title=_("Year", lang), axis=alt.Axis(format="d", tickMinStep=1)),
            y=alt.Y("mt:Q", title=_("Emissions (Mt CO2 eq.)", lang), axis=alt.Axis(format=",.0f")),
            color=alt.Color("country:N", title=None, scale=alt.Scale(range=PALETTE), legend=alt.Legend(orient="top")),
            strokeDash=alt.StrokeDash(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=present, range=dashes),
                legend=alt.Legend(orient="top", symbolStrokeColor="#333", labelLimit=0),
            ),
            detail="kind:N",
        )
        .properties(width=640, height=300)
    )


def ghg_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not available(con, "environment-ghg-paths"):
        return None
    table = ghg.emissions_paths(con)
    if not table.rows:
        return None

    def summary(t: MetricTable, lang: str) -> str:
        parts = []
        for code in ("CA", "US"):
            s = t.summary
            if f"{code}_latest_year" in s:
                parts.append(
                    _(
                        "{country}: {below} below its base year in {year}, against about {goal} Mt in 2030",
                        lang,
                        country=_country(code, lang),
                        below=fmt_percent(float(s[f"{code}_below_base"]), lang, 0),
                        year=s[f"{code}_latest_year"],
                        goal=fmt_number(float(s[f"{code}_target_2030_mt"]), lang),
                    )
                )
        return "; ".join(parts) + "." if parts else ""

    return Chart(
        id="environment-ghg-paths",
        table=table,
        spec=ghg_paths_spec,
        summary=summary,
        alt_text=lambda t, lang: _(
            "Line chart of greenhouse gas emissions of Canada and the United States in "
            "megatonnes of CO2 equivalent: solid lines for the inventories, dashed for "
            "projections, dotted for the straight line to each country's goals.",
            lang,
        ),
    )


def sector_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not available(con, "environment-ghg-by-sector"):
        return None
    table = ghg.emissions_by_sector(con)
    latest: dict[str, int] = {}
    for r in table.rows:
        if r["value_mt"] is not None:
            latest[r["country"]] = max(latest.get(r["country"], r["year"]), r["year"])
    table.rows = [r for r in table.rows if r["value_mt"] is not None and r["year"] == latest.get(r["country"])]
    if not table.rows:
        return None

    def spec(t: MetricTable, lang: str) -> alt.TopLevelMixin:
        rows = [
            {"country": f"{_country(r['country'], lang)}, {r['year']}", "sector": r["sector"], "mt": r["value_mt"]}
            for r in t.rows
        ]
        return (
            alt.Chart(alt.Data(values=rows))
            .mark_bar(color=PALETTE[0])
            .encode(
                y=alt.Y("sector:N", sort="-x", title=None),
                x=alt.X("mt:Q", title=_("Emissions (Mt CO2 eq.)", lang), axis=alt.Axis(format=",.0f")),
            )
            .properties(width=460, height=alt.Step(18))
            .facet(
                row=alt.Row(
                    "country:N",
                    title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top"),
                ),
            )
            .resolve_scale(y="independent", x="independent")
        )

    def summary(t: MetricTable, lang: str) -> str:
        parts = []
        for code in ("CA", "US"):
            rows = [r for r in t.rows if r["country"] == code]
            if rows:
                top = max(rows, key=lambda r: r["value_mt"])
                parts.append(
                    _(
                        "{country}'s largest sector in {year}: {sector} ({share})",
                        lang,
                        country=_country(code, lang),
                        year=top["year"],
                        sector=top["sector"],
                        share=fmt_percent(top["share"], lang, 0),
                    )
                )
        return "; ".join(parts) + "."

    return Chart(
        id="environment-ghg-by-sector",
        table=table,
        spec=spec,
        summary=summary,
        alt_text=lambda t, lang: _(
            "Bar charts of each country's greenhouse gas emissions by economic sector in "
            "its latest inventory year, in megatonnes of CO2 equivalent.",
            lang,
        ),
    )


# ---------------------------------------------------------------------------- SO2 and NOx


def so2_nox_spec(t: MetricTable, lang: str) -> alt.TopLevelMixin:
    rows = [
        {"year": r["year"], "country": _country(r["country"], lang), "kt": r[col], "pollutant": _(name, lang)}
        for r in t.rows
        for col, name in (("so2_kt", "Sulphur dioxide (kt)"), ("nox_kt", "Nitrogen oxides as NO2 (kt)"))
        if r[col] is not None
    ]
    marks = [{"year": y, "text": _(text, lang)} for y, text in SHORT_MARKERS.items()]
    panels = []
    for _col, name in (("so2_kt", "Sulphur dioxide (kt)"), ("nox_kt", "Nitrogen oxides as NO2 (kt)")):
        title = _(name, lang)
        lines = (
            alt.Chart(alt.Data(values=[r for r in rows if r["pollutant"] == title]))
            .mark_line()
            .encode(
                x=alt.X("year:Q", title=_("Year", lang), axis=alt.Axis(format="d")),
                y=alt.Y("kt:Q", title=title, axis=alt.Axis(format=",.0f")),
                color=alt.Color(
                    "country:N", title=None, scale=alt.Scale(range=PALETTE), legend=alt.Legend(orient="top")
                ),
            )
        )
        rules = alt.Chart(alt.Data(values=marks)).mark_rule(color="#6f6f6f", strokeDash=[3, 3]).encode(x="year:Q")
        labels = (
            alt.Chart(alt.Data(values=marks))
            .mark_text(align="left", dx=3, dy=2, baseline="top", fontSize=10, color="#333")
            .encode(x="year:Q", y=alt.value(0), text="text:N")
        )
        panels.append(alt.layer(lines, rules, labels).properties(width=600, height=200))
    return alt.vconcat(*panels)


def so2_nox_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not available(con, "environment-so2-nox-both"):
        return None
    table = air.so2_nox_both(con)
    if not table.rows:
        return None

    def summary(t: MetricTable, lang: str) -> str:
        parts = []
        for code in ("CA", "US"):
            rows = [r for r in t.rows if r["country"] == code and r["so2_change"] is not None]
            if rows:
                last = rows[-1]
                parts.append(
                    _(
                        "{country}: sulphur dioxide {so2}, nitrogen oxides {nox} from {base} to {year}",
                        lang,
                        country=_country(code, lang),
                        so2=fmt_percent(last["so2_change"], lang, 0),
                        nox=fmt_percent(last["nox_change"], lang, 0),
                        base=rows[0]["year"],
                        year=last["year"],
                    )
                )
        return "; ".join(parts) + "." if parts else ""

    return Chart(
        id="environment-so2-nox",
        table=table,
        spec=so2_nox_spec,
        summary=summary,
        alt_text=lambda t, lang: _(
            "Two line charts of sulphur dioxide and nitrogen oxide emissions of Canada and "
            "the United States in kilotonnes since 1980, with the 1991 Air Quality Agreement "
            "and its 2000 Ozone Annex marked by dashed vertical lines.",
            lang,
        ),
    )


# ---------------------------------------------------------------------------- Great Lakes


def lakes_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not available(con, "environment-great-lakes-latest-month"):
        return None
    table = lakes.latest_month(con)
    table.rows = [r for r in table.rows if r["level_m"] is not None and r["month_mean_m"] is not None]
    if not table.rows:
        return None

    def spec(t: MetricTable, lang: str) -> alt.TopLevelMixin:
        rows = [
            {
                "lake": terminology.name(r["lake"], lang),
                "month": fmt_month(r["month"], lang),
                "low": r["month_low_m"] - r["month_mean_m"],
                "high": r["month_high_m"] - r["month_mean_m"],
                "now": r["level_m"] - r["month_mean_m"],
            }
            for r in t.rows
        ]
        base = alt.Chart(alt.Data(values=rows))
        y = alt.Y("lake:N", title=None, sort=[r["lake"] for r in rows])
        span = base.mark_rule(color="#9a9a9a", strokeWidth=6, opacity=0.6).encode(
            y=y,
            x=alt.X(
                "low:Q",
                title=_("Metres from the long-term mean for the month", lang),
                axis=alt.Axis(format="+.1f", tickCount=5),
            ),
            x2="high:Q",
        )
        zero = alt.Chart(alt.Data(values=[{"x": 0}])).mark_rule(color="#333").encode(x="x:Q")
        now = base.mark_point(filled=True, size=90, color=PALETTE[1]).encode(
            y=y, x="now:Q", tooltip=["month:N", alt.Tooltip("now:Q", format="+.2f")]
        )
        return alt.layer(span, zero, now).properties(width=560, height=alt.Step(34))

    def summary(t: MetricTable, lang: str) -> str:
        month = max(r["month"] for r in t.rows)
        above = [r["lake"] for r in t.rows if r["difference_m"] > 0]
        return _(
            "In {month}, {n} of {total} lakes stood above their long-term mean for the month (red dot: the "
            "month's level; grey bar: the lowest to the highest level of that month on record).",
            lang,
            month=fmt_month(month, lang),
            n=len(above),
            total=len(t.rows),
        )

    return Chart(
        id="environment-great-lakes-month",
        table=table,
        spec=spec,
        summary=summary,
        alt_text=lambda t, lang: _(
            "Chart of each Great Lake's level in the latest month as a red dot, in metres "
            "from the long-term mean for that month, against a grey bar from the month's "
            "record low to its record high.",
            lang,
        ),
    )


# ---------------------------------------------------------------------------- targets


CHARTS = {
    "environment-ghg-paths": ghg_chart,
    "environment-ghg-by-sector": sector_chart,
    "environment-so2-nox": so2_nox_chart,
    "environment-great-lakes-month": lakes_chart,
}


def add_sections(page: PageModel, con: duckdb.DuckDBPyConnection | None, lang: str) -> None:
    """Both countries' emissions, air and lakes; environment/page.py's build() calls this at its end."""
    if con is not None:
        built = {build: build(con) for build in (ghg_chart, sector_chart, so2_nox_chart, lakes_chart)}
        page.charts += [c for c in built.values() if c is not None]
        month = built[lakes_chart]
        if month is not None:
            for r in month.table.rows[:2]:
                page.figures.append(
                    KeyFigure(
                        label=_(
                            "{lake} in {month}, against the long-term mean for the month",
                            lang,
                            lake=terminology.name(r["lake"], lang),
                            month=fmt_month(r["month"], lang),
                        ),
                        value=fmt_number(r["difference_m"], lang, 2) + " m",
                    )
                )
    page.tables.append(targets_table(lang))
