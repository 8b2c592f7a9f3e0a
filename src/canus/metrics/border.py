"""Border flows: people and vehicles crossing, by year, port and month.

Reads ``border_crossings`` (source ``bts-border-crossings``). BTS counts only entries
into the United States at land ports, so every figure here is one direction and excludes air.

"People" = personal-vehicle passengers + bus passengers + train passengers + pedestrians
(drivers are counted as personal-vehicle passengers by CBP). "Vehicles" = personal
vehicles + buses + trucks + trains.
"""

from __future__ import annotations

import duckdb

from canus.lake import definitions
from canus.metrics import Column, MetricTable, provenance
from canus.sources.bts_border_crossings import PEOPLE_MEASURES, SOURCE_ID, VEHICLE_MEASURES  # noqa: F401 (travellers reads them here)

PEOPLE_DEFINITION = (
    "People entering the United States at land ports on the Canadian border: personal-vehicle "
    "passengers, bus passengers, train passengers and pedestrians (US CBP counts, published by "
    "BTS). One direction only; air travel is not included."
)
VEHICLE_DEFINITION = (
    "Vehicles entering the United States at land ports on the Canadian border: personal "
    "vehicles, buses, trucks and trains. One direction only."
)
BASELINE_YEAR = 2019


def _in(measures: tuple[str, ...]) -> str:
    return "(" + ", ".join("'" + m + "'" for m in measures) + ")"


_YEARLY_SQL = definitions.BORDER_YEARLY


def yearly(con: duckdb.DuckDBPyConnection) -> MetricTable:
    rows = []
    for year, months, people, vehicles, trucks, days in con.execute(_YEARLY_SQL).fetchall():
        rows.append({
            "year": int(year),
            "months": int(months),
            "people": int(people or 0),
            "people_per_day": (people or 0) / days,
            "vehicles": int(vehicles or 0),
            "vehicles_per_day": (vehicles or 0) / days,
            "trucks_per_day": (trucks or 0) / days,
        })
    base = next((r for r in rows if r["year"] == BASELINE_YEAR and r["months"] == 12), None)
    for r in rows:
        r["change_vs_2019"] = (
            r["people_per_day"] / base["people_per_day"] - 1 if base else None
        )
    return MetricTable(
        id="border-yearly",
        title="People and vehicles entering the US from Canada per day, by year",
        definition=PEOPLE_DEFINITION,
        columns=[
            Column("year", "Year", "year"),
            Column("months", "Months of data", "count"),
            Column("people_per_day", "People per day", "per_day"),
            Column("vehicles_per_day", "Vehicles per day", "per_day"),
            Column("trucks_per_day", "Trucks per day", "per_day"),
            Column("change_vs_2019", "People per day, change against 2019", "percent"),
            Column("people", "People in the year", "persons"),
            Column("vehicles", "Vehicles in the year", "vehicles"),
        ],
        rows=rows,
        provenance=provenance(con, SOURCE_ID),
    )


def people_per_day(con: duckdb.DuckDBPyConnection, year: int | None = None) -> tuple[float, int] | None:
    """People per day for ``year`` (default: latest complete year), with the year used."""
    rows = [r for r in yearly(con).rows if r["months"] == 12]
    if year is not None:
        rows = [r for r in rows if r["year"] == year]
    if not rows:
        return None
    r = rows[-1]
    return r["people_per_day"], r["year"]


def monthly(con: duckdb.DuckDBPyConnection) -> MetricTable:
    cur = con.execute(definitions.BORDER_MONTHLY)
    rows = [
        {"period": p, "people": int(a or 0), "vehicles": int(b or 0), "trucks": int(c or 0)}
        for p, a, b, c in cur.fetchall()
    ]
    return MetricTable(
        id="border-monthly",
        title="People and vehicles entering the US from Canada, by month",
        definition=PEOPLE_DEFINITION,
        columns=[
            Column("period", "Month", "month"),
            Column("people", "People", "persons"),
            Column("vehicles", "Vehicles", "vehicles"),
            Column("trucks", "Trucks", "vehicles"),
        ],
        rows=rows,
        provenance=provenance(con, SOURCE_ID),
    )


def latest_complete_year(con: duckdb.DuckDBPyConnection) -> int | None:
    row = con.execute(definitions.BORDER_LATEST_COMPLETE_YEAR).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def busiest_ports(con: duckdb.DuckDBPyConnection, year: int | None = None, top: int = 15) -> MetricTable:
    year = year or latest_complete_year(con)
    cur = con.execute(definitions.BORDER_PORTS.format(baseline=BASELINE_YEAR), [year, top])
    cols = [d[0] for d in cur.description]
    rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    return MetricTable(
        id="border-ports",
        title="Busiest ports of entry into the US on the Canadian border",
        definition=PEOPLE_DEFINITION,
        columns=[
            Column("rank", "Rank", "rank"),
            Column("port_name", "Port", "text"),
            Column("state", "State", "text"),
            Column("port_code", "Port code", "code"),
            Column("people", "People in the year", "persons"),
            Column("people_per_day", "People per day", "per_day"),
            Column("trucks", "Trucks in the year", "vehicles"),
            Column("change_vs_2019", "People, change against 2019", "percent"),
        ],
        rows=rows,
        provenance=provenance(con, SOURCE_ID),
        summary={"year": str(year)},
    )
