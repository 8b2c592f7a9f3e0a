"""Energy: electricity trade between Canada and the United States.

Reads ``electricity_trade`` and ``electricity_trade_years`` (source ``cer-electricity-trade``).
Exports are electricity Canadian provinces sell to US states and markets; imports the reverse.
Energy is shown in gigawatt hours (1 GWh = 1,000 MW.h), value in Canadian dollars as reported
to the CER.

CER publishes the same figures twice: monthly, and by year in an annual file that revises
them. Yearly figures take the annual file's wherever it covers the year (column
``publication`` says which), and the sums of the monthly file otherwise; a year from the
monthly file counts as complete when it has all twelve months (the latest is often partial).
:func:`annual_revisions` shows how far the annual file moved each year.
"""

from __future__ import annotations

from typing import Any

import duckdb

from canus.metrics import Column, MetricTable, dict_rows, has_tables, provenance
from canus.sources.cer_electricity import SOURCE_ID

TRADE_DEFINITION = (
    "Electricity exported from Canadian provinces to the United States and imported from it, "
    "as reported to the Canada Energy Regulator: energy in gigawatt hours and value in "
    "Canadian dollars. Net exports are exports minus imports. Years covered by CER's annual "
    "file use its revised figures (publication: annual); later years add up the monthly file."
)
REVISIONS_DEFINITION = (
    "How much the Canada Energy Regulator's annual file revised each year against the sum of "
    "its monthly file, by direction: energy in megawatt hours and value in Canadian dollars, "
    "annual minus monthly. Only years complete in both files are compared; the yearly figures "
    "elsewhere use the annual file's."
)
YEARS_TABLE = "electricity_trade_years"
PROVINCE_DEFINITION = (
    "Electricity exported to the United States by each province in the year, in gigawatt "
    "hours and Canadian dollars, with its share of Canada's exports."
)
STATE_DEFINITION = (
    "Electricity exported from Canada in the year, by US state or regional market of "
    "destination, in gigawatt hours and Canadian dollars."
)


def _empty(con: duckdb.DuckDBPyConnection) -> bool:
    return not has_tables(con, "electricity_trade")


def _prov(con: duckdb.DuckDBPyConnection) -> list:
    return [] if _empty(con) else provenance(con, SOURCE_ID)


def _years(con: duckdb.DuckDBPyConnection) -> str:
    """The yearly rows to read: the table when the warehouse has it, else the monthly sums
    (a warehouse built before the annual file was read)."""
    if has_tables(con, YEARS_TABLE):
        return YEARS_TABLE
    return """(SELECT year(period) AS year, activity, province, us_state,
                      sum(energy_mwh) AS energy_mwh, sum(value_cad) AS value_cad,
                      'monthly' AS publication,
                      (SELECT count(DISTINCT month(period)) FROM electricity_trade t
                       WHERE year(t.period) = year(e.period)) AS months_in_monthly
               FROM electricity_trade e GROUP BY ALL)"""


_ANNUAL_COLUMNS = [
    Column("year", "Year", "year"),
    Column("months", "Months of data", "count"),
    Column("publication", "Publication", "text"),
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
        # A year from the annual file is whole (twelve months) by what it is.
        rows = dict_rows(
            con.execute(f"""
            SELECT year,
                   CASE WHEN any_value(publication) = 'annual' THEN 12
                        ELSE max(months_in_monthly) END AS months,
                   any_value(publication) AS publication,
                   coalesce(sum(energy_mwh) FILTER (WHERE activity = 'export'), 0) / 1000 AS exports_gwh,
                   coalesce(sum(energy_mwh) FILTER (WHERE activity = 'import'), 0) / 1000 AS imports_gwh,
                   coalesce(sum(value_cad) FILTER (WHERE activity = 'export'), 0) AS exports_value_cad,
                   coalesce(sum(value_cad) FILTER (WHERE activity = 'import'), 0) AS imports_value_cad
            FROM {_years(con)}
            GROUP BY year ORDER BY year
        """)
        )
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
        summary = {
            "year": str(last["year"]),
            "exports_gwh": f"{last['exports_gwh']:.1f}",
            "net_exports_gwh": f"{last['net_exports_gwh']:.1f}",
        }
    annual_years = [r["year"] for r in rows if r["publication"] == "annual"]
    if annual_years:
        summary["annual_file_years"] = f"{min(annual_years)}-{max(annual_years)}"
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
    row = con.execute(f"""
        SELECT max(year) FROM {_years(con)}
        WHERE publication = 'annual' OR months_in_monthly = 12
    """).fetchone()
    return int(row[0]) if row and row[0] is not None else None


_REVISION_COLUMNS = [
    Column("year", "Year", "year"),
    Column("activity", "Direction", "text"),
    Column("monthly_mwh", "Sum of the monthly file (MWh)", "MWh"),
    Column("annual_mwh", "Annual file (MWh)", "MWh"),
    Column("revision_mwh", "Revision (MWh)", "MWh"),
    Column("revision_share", "Revision, share of the monthly sum", "percent"),
    Column("monthly_value_cad", "Sum of the monthly file, value", "CAD"),
    Column("annual_value_cad", "Annual file, value", "CAD"),
    Column("revision_cad", "Revision, value", "CAD"),
]


def annual_revisions(con: duckdb.DuckDBPyConnection, province: str | None = None) -> MetricTable:
    """``energy-electricity-revisions``: annual file minus the sum of the monthly file, per year
    and direction (for one province when ``province`` is given), in MWh and CAD."""
    rows: list[dict[str, Any]] = []
    if not _empty(con) and has_tables(con, YEARS_TABLE):
        rows = dict_rows(
            con.execute(
                f"""
            SELECT year, activity,
                   coalesce(sum(monthly_energy_mwh), 0) AS monthly_mwh,
                   coalesce(sum(annual_energy_mwh), 0) AS annual_mwh,
                   coalesce(sum(annual_energy_mwh), 0) - coalesce(sum(monthly_energy_mwh), 0) AS revision_mwh,
                   coalesce(sum(monthly_value_cad), 0) AS monthly_value_cad,
                   coalesce(sum(annual_value_cad), 0) AS annual_value_cad,
                   coalesce(sum(annual_value_cad), 0) - coalesce(sum(monthly_value_cad), 0) AS revision_cad
            FROM {YEARS_TABLE}
            WHERE publication = 'annual' AND months_in_monthly = 12
              AND (CAST(? AS VARCHAR) IS NULL OR province = ?)
            GROUP BY year, activity ORDER BY year, activity
        """,
                [province, province],
            )
        )
        for r in rows:
            r["revision_share"] = r["revision_mwh"] / r["monthly_mwh"] if r["monthly_mwh"] else None
    summary: dict[str, str] = {}
    if rows:
        summary["years"] = f"{rows[0]['year']}-{rows[-1]['year']}"
        revised = [r for r in rows if abs(r["revision_mwh"]) >= 0.5 or abs(r["revision_cad"]) >= 1]
        summary["revised_rows"] = str(len(revised))
        if revised:
            big = max(revised, key=lambda r: abs(r["revision_mwh"]))
            summary.update(
                largest_year=str(big["year"]),
                largest_activity=big["activity"],
                largest_mwh=f"{big['revision_mwh']:.1f}",
            )
    if province:
        summary["province"] = province
    return MetricTable(
        id="energy-electricity-revisions",
        title="Revisions of electricity trade by CER's annual file",
        definition=REVISIONS_DEFINITION,
        columns=_REVISION_COLUMNS,
        rows=rows,
        provenance=_prov(con),
        summary=summary,
    )


def top_provinces(con: duckdb.DuckDBPyConnection, year: int | None = None, top: int = 10) -> MetricTable:
    year = year or latest_complete_year(con)
    rows: list[dict[str, Any]] = []
    if year is not None and not _empty(con):
        rows = dict_rows(
            con.execute(
                f"""
            WITH p AS (
                SELECT province,
                       sum(energy_mwh) FILTER (WHERE activity = 'export') / 1000 AS exports_gwh,
                       sum(value_cad) FILTER (WHERE activity = 'export') AS exports_value_cad,
                       sum(energy_mwh) FILTER (WHERE activity = 'import') / 1000 AS imports_gwh
                FROM {_years(con)} WHERE year = ?
                GROUP BY province
            )
            SELECT rank() OVER (ORDER BY exports_gwh DESC NULLS LAST) AS rank, province,
                   coalesce(exports_gwh, 0) AS exports_gwh,
                   coalesce(exports_value_cad, 0) AS exports_value_cad,
                   coalesce(imports_gwh, 0) AS imports_gwh,
                   coalesce(exports_gwh, 0) / nullif(sum(exports_gwh) OVER (), 0) AS share_of_exports
            FROM p ORDER BY rank, province LIMIT ?
        """,
                [year, top],
            )
        )
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
        rows = dict_rows(
            con.execute(
                f"""
            WITH s AS (
                SELECT us_state, sum(energy_mwh) / 1000 AS exports_gwh,
                       sum(value_cad) AS exports_value_cad
                FROM {_years(con)}
                WHERE year = ? AND activity = 'export' AND us_state IS NOT NULL
                GROUP BY us_state
            )
            SELECT rank() OVER (ORDER BY exports_gwh DESC) AS rank, us_state, exports_gwh,
                   exports_value_cad,
                   exports_gwh / nullif(sum(exports_gwh) OVER (), 0) AS share_of_exports
            FROM s ORDER BY rank, us_state LIMIT ?
        """,
                [year, top],
            )
        )
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
