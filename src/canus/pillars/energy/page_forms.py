"""Energy page, every form: flows both ways as both countries report them, crude oil by destination,
natural gas by pipeline and LNG, partner shares and ranks, trade by fuel, and the cross-border
pipelines and power lines (registry) as a list and on the map.

Each chart keeps only rows it can draw; a year with fewer than twelve months says so on its label.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import duckdb

from canus import countries
from canus.i18n import _, fmt_number, fmt_percent
from canus.metrics import MetricTable
from canus.metrics.catalogue import available
from canus.pillars.energy import forms as f
from canus.pillars.energy.infrastructure import INFRA_KINDS, _infrastructure, infrastructure_table
from canus.web.page.model import KeyFigure, PageModel
from canus.web.render.charts import PALETTE, Chart
from canus.web.render.map_items import MapItem, make_map
from canus.web.render.maps import Point

FORM_LABELS = {
    "crude_oil": "Crude oil",
    "natural_gas": "Natural gas",
    "electricity": "Electricity",
    "all_energy": "All energy",
}
DIRECTION_LABELS = {"canada_to_us": "Canada to the United States", "us_to_canada": "United States to Canada"}
REPORTER_LABELS = {"canada": "As Canada reports", "us": "As the United States reports"}
IMPORTER_LABELS = {"united_states": "United States imports", "canada": "Canada's imports"}
#: A facet per measure: shares by energy content and by value are never drawn in one panel.
MEASURE_LABELS = {
    "energy_pj": "by energy content",
    "value_usd": "by value in US dollars",
    "value_cad": "by value in Canadian dollars",
}
GAS_LABELS = {
    ("export", "pipeline"): "Exports by pipeline",
    ("export", "lng"): "Exports as LNG",
    ("import", "pipeline"): "Imports by pipeline",
    ("import", "lng"): "Imports as LNG",
}


def _year_label(year: int, months: int | None, lang: str) -> str:
    # A partial year is drawn, but never passed off as a whole one.
    if months is None or months >= 12:
        return str(year)
    return _("{year} ({months} months)", lang, year=year, months=months)


def _label(labels: dict[Any, str], key: Any, lang: str) -> str:
    return _(labels[key], lang) if key in labels else str(key)


# ---------------------------------------------------------------------------- flows by form


def flows_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not available(con, "energy-flows-by-form"):
        return None
    table = f.energy_flows(con)
    # Whole years only: sources with a partial latest year would draw a false fall (the table of
    # each form below keeps its partial year, labelled with its months).
    table.rows = [r for r in table.rows if r["energy_pj"] is not None and r["months"] == 12]
    if not table.rows:
        return None

    def spec(t: MetricTable, lang: str) -> alt.TopLevelMixin:
        rows = [
            {
                "year": r["year"],
                "form": _label(FORM_LABELS, r["form"], lang),
                "direction": _label(DIRECTION_LABELS, r["direction"], lang),
                "reporter": _label(REPORTER_LABELS, r["reported_by"], lang),
                "pj": r["energy_pj"],
            }
            for r in t.rows
        ]
        # Fixed orders, so a form keeps its colour and a direction its panel in both languages.
        forms = [_(v, lang) for k, v in FORM_LABELS.items() if any(r["form"] == k for r in t.rows)]
        directions = [_(v, lang) for v in DIRECTION_LABELS.values()]
        return (
            alt.Chart(alt.Data(values=rows))
            .mark_line(point=alt.OverlayMarkDef(size=30, filled=True))
            .encode(
                x=alt.X("year:Q", title=_("Year", lang), axis=alt.Axis(format="d", tickMinStep=1)),
                y=alt.Y("pj:Q", title=_("Energy content (PJ)", lang), axis=alt.Axis(format=",.0f")),
                color=alt.Color(
                    "form:N",
                    title=None,
                    scale=alt.Scale(domain=forms, range=PALETTE[: len(forms)]),
                    legend=alt.Legend(orient="top", symbolType="stroke"),
                ),
                strokeDash=alt.StrokeDash("reporter:N", legend=None),
                # Shape as well as dash: a reporter with a single year is a point, never a line.
                shape=alt.Shape("reporter:N", title=None, legend=alt.Legend(orient="top", labelLimit=0)),
                detail="reporter:N",
            )
            .properties(width=300, height=240)
            .facet(column=alt.Column("direction:N", title=None, sort=directions, header=alt.Header(labelFontSize=12)))
        )

    def summary(t: MetricTable, lang: str) -> str:
        # Canada's own reports when it has any, else the United States' (one reporter, never summed).
        who = "canada" if any(r["reported_by"] == "canada" for r in t.rows) else "us"
        mine = [r for r in t.rows if r["reported_by"] == who]
        last = max(r["year"] for r in mine)
        mine = [r for r in mine if r["year"] == last]
        out = sum(r["energy_pj"] for r in mine if r["direction"] == "canada_to_us")
        into = sum(r["energy_pj"] for r in mine if r["direction"] == "us_to_canada")
        forms = sorted({r["form"] for r in mine})
        return _(
            "{reporter} ({forms}), in {year}: {out} PJ went from Canada to the United States and {into} PJ "
            "the other way.",
            lang,
            reporter=_label(REPORTER_LABELS, who, lang),
            year=last,
            out=fmt_number(out, lang),
            into=fmt_number(into, lang),
            forms=", ".join(_label(FORM_LABELS, x, lang).lower() for x in forms),
        )

    return Chart(
        id="energy-flows-by-form",
        table=table,
        spec=spec,
        summary=summary,
        alt_text=lambda t, lang: _(
            "Line charts of crude oil, natural gas and electricity crossing the border in "
            "each direction, in petajoules of energy content, by year; solid and dashed "
            "lines for the figures each country reports.",
            lang,
        ),
    )


# ---------------------------------------------------------------------------- crude oil and gas


def crude_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not available(con, "energy-crude-oil-trade"):
        return None
    table = f.crude_oil_exports(con)
    if not table.rows:
        return None
    last = max(r["year"] for r in table.rows)
    table.rows = sorted((r for r in table.rows if r["year"] == last and r["volume_m3"]), key=lambda r: -r["volume_m3"])
    if not table.rows:
        return None

    def spec(t: MetricTable, lang: str) -> alt.TopLevelMixin:
        rows = [{"label": r["destination"], "value": r["volume_m3"] / 1e6} for r in t.rows]
        return (
            alt.Chart(alt.Data(values=rows))
            .mark_bar(color=PALETTE[0])
            .encode(
                y=alt.Y("label:N", sort="-x", title=None),
                x=alt.X("value:Q", title=_("Millions of cubic metres", lang), axis=alt.Axis(format=",~f")),
            )
            .properties(width=520, height=max(120, 24 * len(rows)))
        )

    def summary(t: MetricTable, lang: str) -> str:
        top = t.rows[0]
        return _(
            "In {year}, {dest} took the largest share of Canada's crude oil exports: {share}.",
            lang,
            year=_year_label(top["year"], top["months"], lang),
            dest=top["destination"],
            share=fmt_percent(top["share"], lang, 0),
        )

    return Chart(
        id="energy-crude-oil-destinations",
        table=table,
        spec=spec,
        summary=summary,
        alt_text=lambda t, lang: _(
            "Bar chart of Canada's crude oil exports by destination in the latest year, in millions of cubic metres.",
            lang,
        ),
    )


def gas_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not available(con, "energy-natural-gas-trade"):
        return None
    table = f.natural_gas_trade(con)
    table.rows = [r for r in table.rows if r["energy_pj"] is not None]
    if not table.rows:
        return None

    def spec(t: MetricTable, lang: str) -> alt.TopLevelMixin:
        rows = [
            {
                "year": _year_label(r["year"], r["months"], lang),
                "series": _label(GAS_LABELS, (r["flow"], r["mode"]), lang),
                "pj": r["energy_pj"],
            }
            for r in t.rows
        ]
        return (
            alt.Chart(alt.Data(values=rows))
            .mark_bar()
            .encode(
                x=alt.X("year:O", title=_("Year", lang), axis=alt.Axis(labelAngle=-45)),
                xOffset="series:N",
                y=alt.Y("pj:Q", title=_("Energy content (PJ)", lang), axis=alt.Axis(format=",.0f")),
                color=alt.Color(
                    "series:N", title=None, scale=alt.Scale(range=PALETTE), legend=alt.Legend(orient="top")
                ),
            )
            .properties(width=600, height=260)
        )

    def summary(t: MetricTable, lang: str) -> str:
        last = max(r["year"] for r in t.rows)
        rows = [r for r in t.rows if r["year"] == last]
        pipe = sum(r["energy_pj"] for r in rows if r["flow"] == "export" and r["mode"] == "pipeline")
        lng = sum(r["energy_pj"] for r in rows if r["flow"] == "export" and r["mode"] == "lng")
        return _(
            "In {year}, Canada exported {pipe} PJ of natural gas by pipeline and {lng} PJ as LNG.",
            lang,
            year=_year_label(last, min(r["months"] for r in rows), lang),
            pipe=fmt_number(pipe, lang),
            lng=fmt_number(lng, lang),
        )

    return Chart(
        id="energy-natural-gas-modes",
        table=table,
        spec=spec,
        summary=summary,
        alt_text=lambda t, lang: _(
            "Grouped bar chart of Canada's natural gas exports and imports by pipeline and as "
            "liquefied natural gas, in petajoules, by year.",
            lang,
        ),
    )


# ---------------------------------------------------------------------------- partners and ranks


def shares_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not available(con, "energy-partner-shares"):
        return None
    table = f.partner_shares(con)
    table.rows = [r for r in table.rows if r["form"] == "all_energy" and r["share"] is not None]
    if not table.rows:
        return None
    latest: dict[tuple[str, str], int] = {}
    for r in table.rows:
        key = (r["importer"], r["measure"])
        latest[key] = max(latest.get(key, r["year"]), r["year"])
    table.rows = [r for r in table.rows if r["year"] == latest[(r["importer"], r["measure"])] and r["rank"] <= 8]

    def spec(t: MetricTable, lang: str) -> alt.TopLevelMixin:
        rows = [
            {
                "importer": f"{_label(IMPORTER_LABELS, r['importer'], lang)}, {r['year']}, "
                f"{_label(MEASURE_LABELS, r['measure'], lang)}",
                "partner": countries.display(str(r["partner"]), lang),
                "share": r["share"],
                "rank": r["rank"],
            }
            for r in t.rows
        ]
        return (
            alt.Chart(alt.Data(values=rows))
            .mark_bar(color=PALETTE[0])
            .encode(
                y=alt.Y("partner:N", sort=alt.EncodingSortField("share", order="descending"), title=None),
                x=alt.X("share:Q", title=_("Share of imports", lang), axis=alt.Axis(format=".0%")),
            )
            .properties(width=480, height=alt.Step(20))
            .facet(
                row=alt.Row(
                    "importer:N",
                    title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelOrient="top"),
                ),
            )
            .resolve_scale(y="independent")
        )

    def summary(t: MetricTable, lang: str) -> str:
        parts = []
        for r in t.rows:
            if (r["importer"] == "united_states" and r["partner"].lower() == "canada") or (
                r["importer"] == "canada" and r["partner"] == "United States"
            ):
                parts.append(
                    _(
                        "{who}: rank {rank} in {year}, {share} of imports",
                        lang,
                        who=_label(IMPORTER_LABELS, r["importer"], lang),
                        rank=r["rank"],
                        year=r["year"],
                        share=fmt_percent(r["share"], lang, 0),
                    )
                )
        return (
            _("Each country as the other's energy supplier — {parts}.", lang, parts="; ".join(parts)) if parts else ""
        )

    return Chart(
        id="energy-partner-shares",
        table=table,
        spec=spec,
        summary=summary,
        alt_text=lambda t, lang: _(
            "Bar charts of each country's energy imports by partner country in the latest "
            "year, as a share of its imports.",
            lang,
        ),
    )


def rank_figures(ranks: MetricTable, lang: str) -> list[KeyFigure]:
    out = []
    for importer, who in (
        ("united_states", "Canada's rank among US foreign energy suppliers, {year}"),
        ("canada", "United States' rank among Canada's foreign energy suppliers, {year}"),
    ):
        rows = [
            r for r in ranks.rows if r["importer"] == importer and r["form"] == "all_energy" and r["rank"] is not None
        ]
        if rows:
            r = max(rows, key=lambda x: (x["year"], x["measure"] == "energy_pj"))
            out.append(
                KeyFigure(
                    label=_(who, lang, year=r["year"]),
                    value=fmt_number(r["rank"], lang),
                    note=_("Share of imports: {share}.", lang, share=fmt_percent(r["share"], lang, 0)),
                )
            )
    return out


# ---------------------------------------------------------------------------- trade by fuel


def fuel_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not available(con, "energy-trade-by-fuel"):
        return None
    table = f.trade_by_fuel(con)
    if not table.rows:
        return None
    last = max(r["year"] for r in table.rows)
    table.rows = [r for r in table.rows if r["year"] == last and (r["exports_pj"] or r["imports_pj"])]
    if not table.rows:
        return None

    def spec(t: MetricTable, lang: str) -> alt.TopLevelMixin:
        rows = [
            {"fuel": r["fuel_type"], "flow": _(name, lang), "pj": r[col]}
            for r in t.rows
            for col, name in (("exports_pj", "Exports (PJ)"), ("imports_pj", "Imports (PJ)"))
            if r[col] is not None
        ]
        return (
            alt.Chart(alt.Data(values=rows))
            .mark_bar()
            .encode(
                y=alt.Y("fuel:N", title=None),
                yOffset="flow:N",
                x=alt.X("pj:Q", title=_("Energy content (PJ)", lang), axis=alt.Axis(format=",.0f", tickCount=5)),
                color=alt.Color("flow:N", title=None, scale=alt.Scale(range=PALETTE), legend=alt.Legend(orient="top")),
            )
            .properties(width=480, height=alt.Step(14))
        )

    def summary(t: MetricTable, lang: str) -> str:
        top = max(t.rows, key=lambda r: r["exports_pj"] or 0)
        return _(
            "In {year}, Canada's largest energy export to all partners: {fuel}, {pj} PJ.",
            lang,
            year=top["year"],
            fuel=top["fuel_type"],
            pj=fmt_number(top["exports_pj"], lang),
        )

    return Chart(
        id="energy-trade-by-fuel",
        table=table,
        spec=spec,
        summary=summary,
        alt_text=lambda t, lang: _(
            "Bar chart of Canada's exports and imports of each fuel, all partners, in petajoules, latest year.", lang
        ),
    )


# ---------------------------------------------------------------------------- infrastructure


def infrastructure_map(con: duckdb.DuckDBPyConnection | None, lang: str) -> MapItem:
    items = [i for i in _infrastructure() if i.lat is not None and i.lon is not None]
    points = [
        Point(
            i.id,
            i.label.get(lang),
            i.lon,  # type: ignore[arg-type]
            i.lat,  # type: ignore[arg-type]
            value_text=_(INFRA_KINDS[i.kind], lang),
            kind=f"energy-{i.kind.replace('_', '-')}",
        )
        for i in items
    ]
    return make_map(
        con,
        lang,
        map_id="map-energy-infrastructure",
        title=_("Map of the cross-border pipelines and power lines", lang),
        summary=_(
            "{n} border crossings: brown for oil pipelines, green for gas pipelines, gold for power lines; "
            "each point is where the line crosses the border (approximate).",
            lang,
            n=fmt_number(len(points), lang),
        ),
        points=points,
        legend=[
            ("energy-oil-pipeline", _("Oil pipeline", lang)),
            ("energy-gas-pipeline", _("Gas pipeline", lang)),
            ("energy-power-line", _("Power line", lang)),
        ],
    )


CHARTS = {
    "energy-flows-by-form": flows_chart,
    "energy-crude-oil-destinations": crude_chart,
    "energy-natural-gas-modes": gas_chart,
    "energy-partner-shares": shares_chart,
    "energy-trade-by-fuel": fuel_chart,
}


def add_sections(page: PageModel, con: duckdb.DuckDBPyConnection | None, lang: str) -> None:
    """Every form of energy after the electricity charts: charts, rank figures, method, infrastructure."""
    if con is not None:
        for build in (flows_chart, crude_chart, gas_chart, shares_chart, fuel_chart):
            chart = build(con)
            if chart is not None:
                page.charts.append(chart)
        if available(con, "energy-supplier-rank"):
            ranks = f.supplier_ranks(con)
            if ranks.rows:
                page.figures += rank_figures(ranks, lang)
                page.tables.append(ranks)
                page.notes.append(_(f.METHOD_LIMITS, lang))
    page.tables.append(infrastructure_table(lang))
    page.extra.setdefault("maps", []).append(infrastructure_map(con, lang))
