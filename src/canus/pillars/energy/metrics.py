"""Energy: electricity trade between Canada and the United States.

Reads ``electricity_trade`` (source ``cer-electricity-trade``). Exports are electricity
Canadian provinces sell to US states and markets; imports the reverse. Energy is shown in
gigawatt hours (1 GWh = 1,000 MW.h), value in Canadian dollars as reported to the CER.
A year counts as complete when it has all twelve months; the latest year is often partial.
"""

from __future__ import annotations

from typing import Any

import duckdb

from canus.metrics import Column, MetricTable, has_tables, provenance
from canus.sources.cer_electricity import SOURCE_ID

TRADE_DEFINITION = (
    "Electricity exported from Canadian provinces to the United States and imported from it, "
    "as reported to the Canada Energy Regulator: energy in gigawatt hours and value in "
    "Canadian dollars. Net exports are exports minus imports."
)
PROVINCE_DEFINITION = (
    "Electricity exported to the United States by each province in the year, in gigawatt "
    "hours and Canadian dollars, with its share of Canada's exports."
)
STATE_DEFINITION = (
    "Electricity exported from Canada in the year, by US state or regional market of "
    "destination, in gigawatt hours and Canadian dollars."
)


def _rows(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _empty(con: duckdb.DuckDBPyConnection) -> bool:
    return not has_tables(con, "electricity_trade")


def _prov(con: duckdb.DuckDBPyConnection) -> list:
    return [] if _empty(con) else provenance(con, SOURCE_ID)


_ANNUAL_COLUMNS = [
    Column("year", "Year", "year"),
    Column("months", "Months of data", "count"),
    Column("exports_gwh", "Exports (GWh)", "GWh"),
    Column("imports_gwh", "Imports (GWh)", "GWh"),
    Column("net_exports_gwh", "Net exports (GWh)", "GWh"),
    Column("exports_value_cad", "Exports, value", "CAD"),
    Column("imports_value_cad", "Imports, value", "CAD"),
    Column("net_value_cad", "Net exports, value", "CAD"),
    Column("export_price_cad_per_mwh", "Average export price (CAD per MWh)", "CAD_per_MWh"),
]


def annual_trade(con: duckdb.DuckDBPyConnection) -> MetricTable:
    rows: list[dict[str, Any]] = []
    if not _empty(con):
        rows = _rows(con.execute("""
            SELECT year(period) AS year,
                   count(DISTINCT month(period)) AS months,
                   coalesce(sum(energy_mwh) FILTER (WHERE activity = 'export'), 0) / 1000 AS exports_gwh,
                   coalesce(sum(energy_mwh) FILTER (WHERE activity = 'import'), 0) / 1000 AS imports_gwh,
                   coalesce(sum(value_cad) FILTER (WHERE activity = 'export'), 0) AS exports_value_cad,
                   coalesce(sum(value_cad) FILTER (WHERE activity = 'import'), 0) AS imports_value_cad
            FROM electricity_trade
            GROUP BY year ORDER BY year
        """))
        for r in rows:
            r["net_exports_gwh"] = r["exports_gwh"] - r["imports_gwh"]
            r["net_value_cad"] = r["exports_value_cad"] - r["imports_value_cad"]
            r["export_price_cad_per_mwh"] = (
                r["exports_value_cad"] / (r["exports_gwh"] * 1000) if r["exports_gwh"] > 0 else None
            )
    complete = [r for r in rows if r["months"] == 12]
    summary = {}
    if complete:
        last = complete[-1]
        summary = {"year": str(last["year"]), "exports_gwh": f"{last['exports_gwh']:.1f}",
                   "net_exports_gwh": f"{last['net_exports_gwh']:.1f}"}
    return MetricTable(
        id="energy-electricity-annual",
        title="Electricity trade between Canada and the United States, by year",
        definition=TRADE_DEFINITION,
        columns=_ANNUAL_COLUMNS,
        rows=rows,
        provenance=_prov(con),
        summary=summary,
    )


def latest_complete_year(con: duckdb.DuckDBPyConnection) -> int | None:
    if _empty(con):
        return None
    row = con.execute("""
        SELECT max(y) FROM (SELECT year(period) AS y FROM electricity_trade
                            GROUP BY y HAVING count(DISTINCT month(period)) = 12)
    """).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def top_provinces(con: duckdb.DuckDBPyConnection, year: int | None = None, top: int = 10) -> MetricTable:
    year = year or latest_complete_year(con)
    rows: list[dict[str, Any]] = []
    if year is not None and not _empty(con):
        rows = _rows(con.execute("""
            WITH p AS (
                SELECT province,
                       sum(energy_mwh) FILTER (WHERE activity = 'export') / 1000 AS exports_gwh,
                       sum(value_cad) FILTER (WHERE activity = 'export') AS exports_value_cad,
                       sum(energy_mwh) FILTER (WHERE activity = 'import') / 1000 AS imports_gwh
                FROM electricity_trade WHERE year(period) = ?
                GROUP BY province
            )
            SELECT rank() OVER (ORDER BY exports_gwh DESC NULLS LAST) AS rank, province,
                   coalesce(exports_gwh, 0) AS exports_gwh,
                   coalesce(exports_value_cad, 0) AS exports_value_cad,
                   coalesce(imports_gwh, 0) AS imports_gwh,
                   coalesce(exports_gwh, 0) / nullif(sum(exports_gwh) OVER (), 0) AS share_of_exports
            FROM p ORDER BY rank, province LIMIT ?
        """, [year, top]))
    return MetricTable(
        id="energy-electricity-provinces",
        title="Provinces exporting electricity to the United States",
        definition=PROVINCE_DEFINITION,
        columns=[
            Column("rank", "Rank", "rank"),
            Column("province", "Province", "text"),
            Column("exports_gwh", "Exports (GWh)", "GWh"),
            Column("exports_value_cad", "Exports, value", "CAD"),
            Column("share_of_exports", "Share of Canada's exports", "percent"),
            Column("imports_gwh", "Imports (GWh)", "GWh"),
        ],
        rows=rows,
        provenance=_prov(con),
        summary={"year": str(year)} if year else {},
    )


def top_states(con: duckdb.DuckDBPyConnection, year: int | None = None, top: int = 10) -> MetricTable:
    year = year or latest_complete_year(con)
    rows: list[dict[str, Any]] = []
    if year is not None and not _empty(con):
        # Rows whose state the CER did not disclose are counted in the totals elsewhere but
        # cannot be ranked, so they are left out here.
        rows = _rows(con.execute("""
            WITH s AS (
                SELECT us_state, sum(energy_mwh) / 1000 AS exports_gwh,
                       sum(value_cad) AS exports_value_cad
                FROM electricity_trade
                WHERE year(period) = ? AND activity = 'export' AND us_state IS NOT NULL
                GROUP BY us_state
            )
            SELECT rank() OVER (ORDER BY exports_gwh DESC) AS rank, us_state, exports_gwh,
                   exports_value_cad,
                   exports_gwh / nullif(sum(exports_gwh) OVER (), 0) AS share_of_exports
            FROM s ORDER BY rank, us_state LIMIT ?
        """, [year, top]))
    return MetricTable(
        id="energy-electricity-states",
        title="US destinations of Canadian electricity exports",
        definition=STATE_DEFINITION,
        columns=[
            Column("rank", "Rank", "rank"),
            Column("us_state", "US state or market", "text"),
            Column("exports_gwh", "Exports (GWh)", "GWh"),
            Column("exports_value_cad", "Exports, value", "CAD"),
            Column("share_of_exports", "Share of Canada's exports", "percent"),
        ],
        rows=rows,
        provenance=_prov(con),
        summary={"year": str(year)} if year else {},
    )
