"""Greenhouse gases of both countries: the inventories by sector, and each path against a straight
line to its government's goals.

Tables: ``ghg_inventory_canada`` (``eccc-ghg-inventory``, kilotonnes, read as megatonnes) and
``ghg_inventory_us`` (``epa-ghg-inventory``, MMT = megatonnes). Goals: the registry
``climate_targets`` (2030 reduction below 2005, net zero by 2050).

Canada's projections (``ghg_projections_canada``, ``eccc-ghg-projections``: ECCC reference case,
all gases) are added for the years after the latest inventory year, as ``projection`` rows.

Method: the straight line runs from the latest inventory year's emissions to the middle of the
2030 target range, then to zero in 2050. Every row says what it is: ``inventory`` (the
publisher's estimate for a past year) or ``target_line`` (arithmetic towards the goal, neither a
measurement nor a forecast), and ``projection`` for ECCC's forecast.
Limits: Canada's total is the National Inventory Total (without
land use, as its target is reported); the US target is for net emissions (land sector included),
so the US row uses the inventory's net total where the table has one and its gross total
otherwise, and says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from canus import registry
from canus.metrics import Column, MetricTable, Provenance, dict_rows, has_tables, provenance
from canus.registry.models import ClimateTarget

CA_SOURCE, US_SOURCE = "eccc-ghg-inventory", "epa-ghg-inventory"
PROJ_SOURCE = "eccc-ghg-projections"
NET_ZERO_YEAR = 2050

PATH_DEFINITION = (
    "Greenhouse gas emissions of Canada and the United States in megatonnes of CO2 equivalent: "
    "each country's inventory for past years, Canada's projections by Environment and Climate "
    "Change Canada (reference case) for later years, and a straight line from each country's latest "
    "inventory year to the middle of its 2030 target range and on to net zero in 2050. Inventory "
    "rows are the publishers' estimates, projection rows a forecast, target-line rows arithmetic."
)
SECTOR_DEFINITION = (
    "Greenhouse gas emissions of each country by economic sector, in megatonnes of CO2 "
    "equivalent, as each national inventory allocates them (the two countries' sectors are "
    "defined differently)."
)


@dataclass(frozen=True)
class Spec:
    id: str
    unit: str
    basis: str
    tables: tuple[str, ...]
    function: str


SPECS: tuple[Spec, ...] = (
    Spec(
        "environment-ghg-paths",
        "Mt CO2e",
        "estimate",
        ("ghg_inventory_canada", "ghg_inventory_us", "ghg_projections_canada"),
        "emissions_paths",
    ),
    Spec(
        "environment-ghg-by-sector",
        "Mt CO2e",
        "estimate",
        ("ghg_inventory_canada", "ghg_inventory_us"),
        "emissions_by_sector",
    ),
)


def _prov(con: duckdb.DuckDBPyConnection) -> list[Provenance]:
    ids = [
        sid
        for t, sid in (
            ("ghg_inventory_canada", CA_SOURCE),
            ("ghg_inventory_us", US_SOURCE),
            ("ghg_projections_canada", PROJ_SOURCE),
        )
        if has_tables(con, t)
    ]
    return provenance(con, *ids)


def totals(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, list[tuple[int, float]]]]:
    """country → (which total, [(year, Mt)]) from the inventories loaded."""
    out: dict[str, tuple[str, list[tuple[int, float]]]] = {}
    if has_tables(con, "ghg_inventory_canada"):
        out["CA"] = (
            "national_inventory_total",
            [
                (int(y), float(v))
                for y, v in con.execute(
                    "SELECT year, value_mt FROM ghg_inventory_canada WHERE region = 'Canada' AND level = 0 "
                    "AND value_mt IS NOT NULL ORDER BY year"
                ).fetchall()
            ],
        )
    if has_tables(con, "ghg_inventory_us"):
        kind = (
            "net_total"
            if con.execute(
                "SELECT count(*) FROM ghg_inventory_us WHERE kind = 'net_total' AND value_mt IS NOT NULL"
            ).fetchone()[0]  # type: ignore[index]
            else "gross_total"
        )
        out["US"] = (
            kind,
            [
                (int(y), float(v))
                for y, v in con.execute(
                    "SELECT year, min(value_mt) FROM ghg_inventory_us WHERE kind = ? AND value_mt IS NOT NULL "
                    "GROUP BY year ORDER BY year",
                    [kind],
                ).fetchall()
            ],
        )
    return out


def projections(con: duckdb.DuckDBPyConnection, after: int) -> list[tuple[int, float]]:
    """Canada's projected totals (all gases, ECCC reference case) for years after ``after``."""
    if not has_tables(con, "ghg_projections_canada"):
        return []
    return [
        (int(y), float(v))
        for y, v in con.execute(
            """
        SELECT year, sum(value_mt) FROM ghg_projections_canada
        WHERE is_total AND basis = 'projection' AND year > ? AND value_mt IS NOT NULL
        GROUP BY year ORDER BY year""",
            [after],
        ).fetchall()
    ]


def targets(country: str) -> dict[str, ClimateTarget]:
    found: dict[str, ClimateTarget] = {}
    for f in registry.facts("climate_targets"):
        if isinstance(f, ClimateTarget) and f.country == country:
            if f.kind == "net_zero":
                found["net_zero"] = f
            elif f.target_year == 2030:
                found["2030"] = f
    return found


def emissions_paths(con: duckdb.DuckDBPyConnection) -> MetricTable:
    rows: list[dict[str, Any]] = []
    summary: dict[str, str] = {}
    for country, (which, series) in sorted(totals(con).items()):
        if not series:
            continue
        by_year = dict(series)
        for y, v in series:
            rows.append(
                {
                    "country": country,
                    "year": y,
                    "row_kind": "inventory",
                    "emissions_mt": v,
                    "line_mt": None,
                    "total": which,
                }
            )
        if country == "CA":
            for y, v in projections(con, series[-1][0]):
                rows.append(
                    {
                        "country": country,
                        "year": y,
                        "row_kind": "projection",
                        "emissions_mt": v,
                        "line_mt": None,
                        "total": "eccc_reference_case",
                    }
                )
        goals = targets(country)
        t2030 = goals.get("2030")
        last_year, last = series[-1]
        base = by_year.get(t2030.base_year) if t2030 and t2030.base_year else None
        if t2030 is None or base is None or t2030.reduction_low is None or t2030.reduction_high is None:
            continue
        mid = base * (1 - (t2030.reduction_low + t2030.reduction_high) / 2)
        for y in range(last_year + 1, NET_ZERO_YEAR + 1):
            if y <= 2030:
                line = last + (mid - last) * (y - last_year) / (2030 - last_year)
            else:
                line = mid * (NET_ZERO_YEAR - y) / (NET_ZERO_YEAR - 2030)
            rows.append(
                {
                    "country": country,
                    "year": y,
                    "row_kind": "target_line",
                    "emissions_mt": None,
                    "line_mt": line,
                    "total": which,
                }
            )
        needed = (last - mid) / (2030 - last_year) if last_year < 2030 else None
        summary[f"{country}_latest_year"] = str(last_year)
        summary[f"{country}_target_2030_mt"] = f"{mid:.1f}"
        summary[f"{country}_below_base"] = f"{1 - last / base:.3f}"
        if needed is not None:
            summary[f"{country}_cut_per_year_mt"] = f"{needed:.1f}"
    kinds = {"inventory": 0, "projection": 1, "target_line": 2}
    rows.sort(key=lambda r: (r["country"], kinds[r["row_kind"]], r["year"]))
    return MetricTable(
        id="environment-ghg-paths",
        title="Greenhouse gas emissions of Canada and the United States against their goals",
        definition=PATH_DEFINITION,
        columns=[
            Column("country", "Country", "code"),
            Column("year", "Year", "year"),
            Column("row_kind", "Inventory, projection or target line", "code"),
            Column("emissions_mt", "Emissions (Mt CO2 eq.)", "Mt"),
            Column("line_mt", "Straight line to the goals (Mt CO2 eq.)", "Mt"),
            Column("total", "Which total", "code"),
        ],
        rows=rows,
        provenance=_prov(con),
        summary=summary,
    )


def emissions_by_sector(con: duckdb.DuckDBPyConnection) -> MetricTable:
    parts = []
    if has_tables(con, "ghg_inventory_canada"):
        parts.append(f"""SELECT 'CA' AS country, year, economic_sector AS sector, value_mt, '{CA_SOURCE}' AS source_id
                         FROM ghg_inventory_canada WHERE region = 'Canada' AND level = 1""")
    if has_tables(con, "ghg_inventory_us"):
        parts.append(f"""SELECT 'US', year, sector, value_mt, '{US_SOURCE}'
                         FROM ghg_inventory_us WHERE kind = 'sector'""")
    rows: list[dict[str, Any]] = []
    if parts:
        rows = dict_rows(
            con.execute(f"""
            WITH s AS ({" UNION ALL ".join(parts)})
            SELECT *, value_mt / nullif(sum(value_mt) OVER (PARTITION BY country, year), 0) AS share
            FROM s ORDER BY country, year, value_mt DESC NULLS LAST""")
        )
    return MetricTable(
        id="environment-ghg-by-sector",
        title="Greenhouse gas emissions by economic sector",
        definition=SECTOR_DEFINITION,
        columns=[
            Column("country", "Country", "code"),
            Column("year", "Year", "year"),
            Column("sector", "Economic sector", "text"),
            Column("value_mt", "Emissions (Mt CO2 eq.)", "Mt"),
            Column("share", "Share of the country's total", "percent"),
            Column("source_id", "Source", "code"),
        ],
        rows=rows,
        provenance=_prov(con),
    )
