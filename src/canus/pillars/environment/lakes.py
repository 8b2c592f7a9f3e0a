"""Great Lakes to the latest month: each lake's latest level against the long-term mean, record
high and record low of the same calendar month.

Table ``great_lakes_levels`` (source ``great-lakes-water-levels``; monthly lake-wide means in
metres, IGLD 1985). Levels follow the seasons, so the latest month is compared with the same
calendar month of every year on record (the way the US Army Corps of Engineers and the Canadian
Hydrographic Service report them); the all-time record is given too. Each lake's latest month
may differ (a month not yet coordinated is blank in the file); each row says its month.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from canus.metrics import Column, MetricTable, dict_rows, has_tables, provenance
from canus.sources.great_lakes import LAKES, SOURCE_ID

DEFINITION = (
    "Each Great Lake's level in the latest month with data, against the mean, the record high and "
    "the record low of the same calendar month over the whole record, in metres above the "
    "International Great Lakes Datum (1985); lake-wide averages coordinated by Canadian and US "
    "agencies."
)


@dataclass(frozen=True)
class Spec:
    id: str
    unit: str
    basis: str
    tables: tuple[str, ...]
    function: str


SPECS: tuple[Spec, ...] = (
    Spec("environment-great-lakes-latest-month", "m", "measured", ("great_lakes_levels",), "latest_month"),
)


def latest_month(con: duckdb.DuckDBPyConnection) -> MetricTable:
    rows: list[dict[str, Any]] = []
    if has_tables(con, "great_lakes_levels"):
        cur = con.execute("""
            WITH latest AS (
                SELECT lake, max(period) AS period FROM great_lakes_levels GROUP BY lake
            ), same_month AS (
                SELECT g.lake, avg(g.level_m) AS mean_m, count(*) AS years,
                       max(g.level_m) AS high_m, arg_max(year(g.period), g.level_m) AS high_year,
                       min(g.level_m) AS low_m, arg_min(year(g.period), g.level_m) AS low_year,
                       min(year(g.period)) AS first_year
                FROM great_lakes_levels g JOIN latest l ON g.lake = l.lake
                                                       AND month(g.period) = month(l.period)
                GROUP BY g.lake
            ), ever AS (
                SELECT lake, max(level_m) AS record_high_m, arg_max(period, level_m) AS record_high_month,
                       min(level_m) AS record_low_m, arg_min(period, level_m) AS record_low_month
                FROM great_lakes_levels GROUP BY lake
            )
            SELECT l.lake, l.period AS month, g.level_m, s.mean_m AS month_mean_m,
                   g.level_m - s.mean_m AS difference_m,
                   s.high_m AS month_high_m, s.high_year AS month_high_year,
                   s.low_m AS month_low_m, s.low_year AS month_low_year,
                   e.record_high_m, e.record_high_month, e.record_low_m, e.record_low_month,
                   s.first_year, s.years
            FROM latest l JOIN great_lakes_levels g USING (lake, period)
            JOIN same_month s USING (lake) JOIN ever e USING (lake)
        """)
        rows = dict_rows(cur)
        order = {lake: i for i, lake in enumerate(LAKES)}
        rows.sort(key=lambda r: order.get(r["lake"], len(order)))
    return MetricTable(
        id="environment-great-lakes-latest-month",
        title="Great Lakes: latest month against the long-term mean and records",
        definition=DEFINITION,
        columns=[
            Column("lake", "Lake", "text"),
            Column("month", "Month", "month"),
            Column("level_m", "Level (m)", "metres"),
            Column("month_mean_m", "Long-term mean for the month (m)", "metres"),
            Column("difference_m", "Difference (m)", "metres"),
            Column("month_high_m", "Record high for the month (m)", "metres"),
            Column("month_high_year", "Year of the record high", "year"),
            Column("month_low_m", "Record low for the month (m)", "metres"),
            Column("month_low_year", "Year of the record low", "year"),
            Column("record_high_m", "All-time record high (m)", "metres"),
            Column("record_low_m", "All-time record low (m)", "metres"),
            Column("first_year", "Record starts", "year"),
        ],
        rows=rows,
        provenance=provenance(con, SOURCE_ID) if rows else [],
        summary={"month": max(r["month"] for r in rows).isoformat()[:7]} if rows else {},
    )
