"""Border flows: people and vehicles crossing, by year, port and month.

Reads ``border_crossings`` (source ``bts-border-crossings``). BTS counts only entries
into the United States at land ports, so every figure here is one direction and excludes air.

"People" = personal-vehicle passengers + bus passengers + train passengers + pedestrians
(drivers are counted as personal-vehicle passengers by CBP). "Vehicles" = personal
vehicles + buses + trucks + trains.
"""

from __future__ import annotations

import duckdb

from canus.metrics import Column, MetricTable, dict_rows, periods, provenance
from canus.sources.bts_border_crossings import PEOPLE_MEASURES, SOURCE_ID, VEHICLE_MEASURES

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


_MONTHLY_SQL = f"""
SELECT year(period) AS year, month(period) AS month,
       sum(value) FILTER (WHERE measure IN {_in(PEOPLE_MEASURES)}) AS people,
       sum(value) FILTER (WHERE measure IN {_in(VEHICLE_MEASURES)}) AS vehicles,
       sum(value) FILTER (WHERE measure = 'Trucks') AS trucks
FROM border_crossings
WHERE direction = 'into_us'
GROUP BY ALL
ORDER BY year, month
"""

YEARLY_COLUMNS = [
    Column("year", "Year", "year"),
    Column("months", "Months of data", "count"),
    Column("coverage", "Months covered", "text"),
    Column("people_per_day", "People per day", "per_day"),
    Column("vehicles_per_day", "Vehicles per day", "per_day"),
    Column("trucks_per_day", "Trucks per day", "per_day"),
    Column("change_vs_2019", "People per day, change against 2019", "percent"),
    Column("compared_months", "Months compared with 2019", "text"),
    Column("people", "People in the period", "persons"),
    Column("vehicles", "Vehicles in the period", "vehicles"),
]


def _by_year(con: duckdb.DuckDBPyConnection) -> dict[int, dict[int, tuple[float, float, float]]]:
    """{year: {month: (people, vehicles, trucks)}}"""
    out: dict[int, dict[int, tuple[float, float, float]]] = {}
    for year, month, people, vehicles, trucks in con.execute(_MONTHLY_SQL).fetchall():
        out.setdefault(int(year), {})[int(month)] = (people or 0, vehicles or 0, trucks or 0)
    return out


def comparable_months(months: list[int], base_months: list[int]) -> list[int] | None:
    """The months on which a year is compared with the baseline year, or ``None`` (not shown).

    A whole year is compared with a whole baseline; a part year with the same months of the
    baseline (year to date against year to date). A whole year is never compared with part of
    the baseline, nor a part year with months the baseline lacks.
    """
    if not months or not base_months:
        return None
    if periods.is_whole(months):
        return months if periods.is_whole(base_months) else None
    return months if set(months) <= set(base_months) else None


def yearly(con: duckdb.DuckDBPyConnection) -> MetricTable:
    data = _by_year(con)
    base = data.get(BASELINE_YEAR, {})
    rows = []
    for year, by_month in sorted(data.items()):
        months = sorted(by_month)
        days = periods.days_in_months(year, months)
        people = sum(v[0] for v in by_month.values())
        vehicles = sum(v[1] for v in by_month.values())
        trucks = sum(v[2] for v in by_month.values())
        compared = comparable_months(months, sorted(base))
        change = None
        if compared is not None:
            change = periods.change(
                sum(by_month[m][0] for m in compared) / periods.days_in_months(year, compared),
                sum(base[m][0] for m in compared) / periods.days_in_months(BASELINE_YEAR, compared),
            )
        rows.append(
            {
                "year": year,
                "months": len(months),
                "coverage": periods.coverage(months),
                "people": int(people),
                "people_per_day": periods.per_day(people, days),
                "vehicles": int(vehicles),
                "vehicles_per_day": periods.per_day(vehicles, days),
                "trucks_per_day": periods.per_day(trucks, days),
                "change_vs_2019": change,
                "compared_months": periods.coverage(compared) if compared else None,
            }
        )
    return MetricTable(
        id="border-yearly",
        title="People and vehicles entering the US from Canada per day, by year",
        definition=PEOPLE_DEFINITION,
        columns=YEARLY_COLUMNS,
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
    cur = con.execute(f"""
        SELECT period,
               sum(value) FILTER (WHERE measure IN {_in(PEOPLE_MEASURES)}) AS people,
               sum(value) FILTER (WHERE measure IN {_in(VEHICLE_MEASURES)}) AS vehicles,
               sum(value) FILTER (WHERE measure = 'Trucks') AS trucks
        FROM border_crossings WHERE direction = 'into_us'
        GROUP BY period ORDER BY period
    """)
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
    row = con.execute("""
        SELECT max(y) FROM (
            SELECT year(period) AS y FROM border_crossings
            GROUP BY y HAVING count(DISTINCT month(period)) = 12)
    """).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def _months_of(con: duckdb.DuckDBPyConnection, year: int) -> list[int]:
    return [
        int(r[0])
        for r in con.execute(
            "SELECT DISTINCT month(period) FROM border_crossings WHERE year(period) = ? "
            "AND direction = 'into_us' ORDER BY 1",
            [year],
        ).fetchall()
    ]


PORTS_COLUMNS = [
    Column("rank", "Rank", "rank"),
    Column("port_name", "Port", "text"),
    Column("state", "State", "text"),
    Column("port_code", "Port code", "code"),
    Column("months", "Months of data", "count"),
    Column("coverage", "Months covered", "text"),
    Column("people", "People in the period", "persons"),
    Column("people_per_day", "People per day", "per_day"),
    Column("trucks", "Trucks in the period", "vehicles"),
    Column("change_vs_2019", "People per day, change against 2019", "percent"),
    Column("compared_months", "Months compared with 2019", "text"),
]


def _months_sql(months: list[int] | None) -> str:
    """Month numbers as SQL literals (a list parameter is not portable to Spark SQL)."""
    return ", ".join(str(int(m)) for m in months or []) or "NULL"


def busiest_ports(con: duckdb.DuckDBPyConnection, year: int | None = None, top: int = 15) -> MetricTable:
    """Ports by people entering in ``year`` (default: the latest complete year, else the latest).

    Per day divides by the days of the months present that year; the change against 2019
    compares the same months of both years (see :func:`comparable_months`) or is left out.
    """
    if year is None:
        year = latest_complete_year(con)
    if year is None:
        row = con.execute("SELECT max(year(period)) FROM border_crossings").fetchone()
        year = int(row[0]) if row and row[0] is not None else 0
    months = _months_of(con, year)
    compared = comparable_months(months, _months_of(con, BASELINE_YEAR))
    days = periods.days_in_months(year, months)
    cur = con.execute(
        f"""
        WITH y AS (
            SELECT port_code,
                   sum(value) FILTER (WHERE measure IN {_in(PEOPLE_MEASURES)}) AS people,
                   sum(value) FILTER (WHERE measure = 'Trucks') AS trucks,
                   sum(value) FILTER (WHERE measure IN {_in(VEHICLE_MEASURES)}) AS vehicles
            FROM border_crossings
            WHERE year(period) = ? AND direction = 'into_us'
            GROUP BY port_code
        ), b AS (
            SELECT port_code,
                   sum(value) FILTER (WHERE measure IN {_in(PEOPLE_MEASURES)}
                                      AND year(period) = ?) AS people_now,
                   sum(value) FILTER (WHERE measure IN {_in(PEOPLE_MEASURES)}
                                      AND year(period) = {BASELINE_YEAR}) AS people_base
            FROM border_crossings
            WHERE direction = 'into_us' AND month(period) IN ({_months_sql(compared)})
            GROUP BY port_code
        )
        SELECT rank() OVER (ORDER BY y.people DESC) AS rank, y.port_code, p.port_name, p.state,
               y.people, y.trucks, y.vehicles, b.people_now, b.people_base,
               p.latitude, p.longitude
        FROM y JOIN ports p USING (port_code) LEFT JOIN b USING (port_code)
        ORDER BY y.people DESC NULLS LAST, y.port_code
        LIMIT ?
    """,
        [year, year, top],
    )
    rows = dict_rows(cur)
    cdays = periods.days_in_months(year, compared or [])
    bdays = periods.days_in_months(BASELINE_YEAR, compared or [])
    for r in rows:
        now, base = r.pop("people_now"), r.pop("people_base")
        r["months"] = len(months)
        r["coverage"] = periods.coverage(months)
        r["people_per_day"] = periods.per_day(r["people"], days)
        r["change_vs_2019"] = (
            periods.change(now / cdays, base / bdays) if compared and now is not None and base is not None else None
        )
        r["compared_months"] = periods.coverage(compared) if compared else None
    return MetricTable(
        id="border-ports",
        title="Busiest ports of entry into the US on the Canadian border",
        definition=PEOPLE_DEFINITION,
        columns=PORTS_COLUMNS,
        rows=rows,
        provenance=provenance(con, SOURCE_ID),
        summary={"year": str(year), "coverage": periods.coverage(months)},
    )
