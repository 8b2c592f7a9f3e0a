"""The border section: people and vehicles crossing, from the BTS counts."""

from __future__ import annotations

from typing import Any

import duckdb

from canus import terminology
from canus.i18n import _, fmt_date, fmt_number, fmt_percent, fmt_signed_percent
from canus.metrics import MetricTable, format_value, periods
from canus.metrics.catalogue import available
from canus.pillars.border import metrics as m
from canus.pillars.border import travellers as tr
from canus.pillars.registry_tables import registry
from canus.web.page.model import KeyFigure, PageModel
from canus.web.render.charts import Chart, bar_chart, line_chart
from canus.web.render.map_items import MapItem, make_map
from canus.web.render.maps import Point


def _people_summary(table: MetricTable, lang: str) -> str:
    full = [r for r in table.rows if r["months"] == 12]
    if not full:
        return _("No complete year of data yet.", lang)
    last = full[-1]
    peak = max(full, key=lambda r: r["people_per_day"])
    # The series starts in its first year, not at the start of records: say so when it peaks there.
    first = full[0]["year"]
    text = _(
        "In {year}, about {n} people a day entered the US from Canada by land; the highest year "
        "since the series begins in {first} is {peak_year}, with {peak_n} a day."
        if peak["year"] != first
        else "In {year}, about {n} people a day entered the US from Canada by land; the series begins "
        "in {first}, and that first year is its highest, with {peak_n} a day.",
        lang,
        year=last["year"],
        n=format_value(last["people_per_day"], "per_day", lang),
        first=first,
        peak_year=peak["year"],
        peak_n=format_value(peak["people_per_day"], "per_day", lang),
    )
    if last.get("change_vs_2019") is not None:
        text += " " + _("That is {pct} against 2019.", lang, pct=fmt_signed_percent(last["change_vs_2019"], lang, 0))
    partial = table.rows[-1] if table.rows and table.rows[-1]["months"] < 12 else None
    if partial is not None:
        text += " " + _partial_sentence(partial, lang)
    return text


def _partial_sentence(row: dict[str, Any], lang: str) -> str:
    """What the latest part year says, compared only with the same months of 2019."""
    period = periods.coverage_label(row["year"], row["coverage"], lang)
    n = format_value(row["people_per_day"], "per_day", lang)
    if row.get("change_vs_2019") is None:
        return _("{period} is a part year ({n} a day) and is not compared with 2019.", lang, period=period, n=n)
    return _(
        "{period}: {n} a day, {pct} against the same months of {base}.",
        lang,
        period=period,
        n=n,
        pct=fmt_percent(row["change_vs_2019"], lang, 0),
        base=m.BASELINE_YEAR,
    )


def _people_alt(table: MetricTable, lang: str) -> str:
    years = [r["year"] for r in table.rows]
    return (
        _(
            "Line chart of people and vehicles per day entering the US from Canada by land, {first} to {last}.",
            lang,
            first=min(years),
            last=max(years),
        )
        if years
        else ""
    )


def people_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not available(con, "border-yearly"):
        return None
    table = m.yearly(con)
    return Chart(
        id="border-people-per-day",
        table=table,
        spec=line_chart("year", ["people_per_day", "vehicles_per_day"], coverage="coverage"),
        summary=_people_summary,
        alt_text=_people_alt,
    )


def _ports_summary(table: MetricTable, lang: str) -> str:
    if not table.rows:
        return ""
    top = table.rows[0]
    return _(
        "In {year}, the busiest port of entry was {port} ({state}) with about {n} people a day.",
        lang,
        year=_ports_period(table, lang),
        port=top["port_name"],
        state=top["state"] or "—",
        n=format_value(top["people_per_day"], "per_day", lang),
    )


def _ports_period(table: MetricTable, lang: str) -> str:
    year = table.summary.get("year", "")
    if not year:
        return ""
    return periods.coverage_label(int(year), table.summary.get("coverage", periods.WHOLE), lang)


def ports_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not available(con, "border-ports"):
        return None
    table = m.busiest_ports(con)
    return Chart(
        id="border-busiest-ports",
        table=table,
        spec=bar_chart("port_name", "people_per_day"),
        summary=_ports_summary,
        alt_text=lambda t, lang: _("Bar chart of the busiest ports of entry by people per day.", lang),
    )


def build(con: duckdb.DuckDBPyConnection | None, lang: str) -> PageModel:
    page = PageModel(
        section_id="border",
        title=_("Border", lang),
        intro=[
            _(
                "Canada and the United States share the world's longest international land "
                "border. These figures count the people and vehicles that cross it at land ports.",
                lang,
            ),
            _(m.PEOPLE_DEFINITION, lang),
        ],
    )
    if con is None or not available(con, "border-yearly"):
        return page
    people = people_chart(con)
    ports = ports_chart(con)
    assert people is not None and ports is not None
    full = [r for r in people.table.rows if r["months"] == 12]
    if full:
        last = full[-1]
        page.figures.append(
            KeyFigure(
                label=_("People entering the US from Canada by land, per day, {year}", lang, year=last["year"]),
                value=format_value(last["people_per_day"], "per_day", lang),
                note=_("One direction only; see the definition below.", lang),
            )
        )
        base = next((r for r in full if r["year"] == m.BASELINE_YEAR), None)
        if base:
            page.figures.append(
                KeyFigure(
                    label=_("Same figure in {year}, before the pandemic", lang, year=base["year"]),
                    value=format_value(base["people_per_day"], "per_day", lang),
                )
            )
        page.figures.append(
            KeyFigure(
                label=_("Trucks entering the US from Canada per day, {year}", lang, year=last["year"]),
                value=format_value(last["trucks_per_day"], "per_day", lang),
            )
        )
    latest = people.table.rows[-1] if people.table.rows else None
    if latest is not None and latest["months"] < 12:
        # A part year is shown as what it is, and compared only with the same months of 2019.
        page.figures.append(
            KeyFigure(
                label=_(
                    "People entering the US from Canada by land, per day, {year}",
                    lang,
                    year=periods.coverage_label(latest["year"], latest["coverage"], lang),
                ),
                value=format_value(latest["people_per_day"], "per_day", lang),
                note=_(
                    "Against the same months of {base}: {pct}.",
                    lang,
                    base=m.BASELINE_YEAR,
                    pct=fmt_percent(latest["change_vs_2019"], lang, 0),
                )
                if latest.get("change_vs_2019") is not None and latest["year"] != m.BASELINE_YEAR
                else _("A part year; not compared with a whole year.", lang),
            )
        )
    page.charts = [people, ports]
    page.tables = []
    _add_boundary_facts(page, lang)
    _add_both_directions(con, page, lang)
    page.extra["maps"] = [ports_map(con, lang)]
    return page


def _both_summary(table: MetricTable, lang: str) -> str:
    full = [r for r in table.rows if r["months_us"] == 12 and r["months_canada"] == 12]
    if not full:
        return _("No complete year of data yet.", lang)
    last = full[-1]
    return _(
        "In {year}, about {both} people a day crossed the border: {us} into the United "
        "States by land and {ca} from the United States into Canada by all modes.",
        lang,
        year=last["year"],
        both=fmt_number(round(last["both_per_day"], -3), lang),
        us=fmt_number(round(last["into_us_per_day"], -2), lang),
        ca=fmt_number(round(last["into_canada_per_day"], -2), lang),
    )


def both_directions_chart(con: duckdb.DuckDBPyConnection) -> Chart | None:
    if not available(con, "travellers-both-directions"):
        return None
    table = tr.both_directions(con)
    if not table.rows:
        return None
    return Chart(
        id="border-both-directions",
        table=table,
        spec=line_chart("year", ["into_us_per_day", "into_canada_per_day", "both_per_day"]),
        summary=_both_summary,
        alt_text=lambda t, lang: _(
            "Line chart of people crossing the border per day into the "
            "United States, into Canada and both together, by year.",
            lang,
        ),
    )


CHARTS = {
    "border-people-per-day": people_chart,
    "border-busiest-ports": ports_chart,
    "border-both-directions": both_directions_chart,
}


def _add_both_directions(con: duckdb.DuckDBPyConnection, page: PageModel, lang: str) -> None:
    chart = both_directions_chart(con)
    if chart is None and available(con, "travellers-entering-canada"):
        # Loaded but not understood: say so rather than call the source missing or guess.
        page.notes.append(
            _(
                "Table 24-10-0053-01 is loaded, but canus did not recognize its "
                "traveller categories, so the figure for both directions is left "
                "out rather than guessed.",
                lang,
            )
        )
    elif chart is not None:
        page.charts.append(chart)
        full = [r for r in chart.table.rows if r["months_us"] == 12 and r["months_canada"] == 12]
        if full:
            page.figures.insert(
                0,
                KeyFigure(
                    label=_("People crossing the border per day, both directions, {year}", lang, year=full[-1]["year"]),
                    value=fmt_number(round(full[-1]["both_per_day"], -3), lang),
                    note=_("Two one-way counts defined differently; see the definition below.", lang),
                    claim_id="people-per-day-prepandemic",
                ),
            )
    if available(con, "travellers-facing-ports"):
        facing = tr.facing_ports(con)
        if facing.rows:
            page.tables.append(facing)


def _add_boundary_facts(page: PageModel, lang: str) -> None:
    reg = registry("border")
    for f in reg.facts:
        if f.id == "boundary-length":
            page.figures.append(
                KeyFigure(
                    label=f.label.get(lang),
                    value=f"{fmt_number(f.value, lang)} km",
                    note=f.definition.get(lang) if f.definition else "",
                    source=terminology.name(f.source.publisher, lang),
                    source_url=terminology.url_in(f.source.url, lang)[0],
                    date=_("consulted {date}", lang, date=fmt_date(f.source.accessed, lang)),
                )
            )


def ports_map(con: duckdb.DuckDBPyConnection, lang: str) -> MapItem:
    table = m.busiest_ports(con, top=500)
    points = [
        Point(
            r["port_code"],
            f"{r['port_name']} ({terminology.name(r['state'], lang) or '—'})",
            r["longitude"],
            r["latitude"],
            value=r["people_per_day"],
            value_text=format_value(r["people_per_day"], "per_day", lang),
        )
        for r in table.rows
        if r["latitude"] is not None and r["longitude"] is not None and r["people_per_day"]
    ]
    return make_map(
        con,
        lang,
        map_id="map-ports",
        title=_("Map of the ports of entry on the Canadian border, {year}", lang, year=_ports_period(table, lang)),
        summary=_(
            "{n} land ports; each circle's area is proportional to the people entering "
            "the United States there per day.",
            lang,
            n=fmt_number(len(points), lang),
        ),
        points=points,
        value_label=_("People per day", lang),
    )
