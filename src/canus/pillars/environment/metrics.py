"""Shared environment: Great Lakes water levels, acid-rain and smog precursors, boundaries.

- ``great_lakes_levels`` (source ``great-lakes-water-levels``): the latest complete year's
  mean level of each lake against its mean over the whole record (both in metres, IGLD 1985).
- ``air_emissions`` (source ``air-emissions``): Canada's sulphur oxide and nitrogen oxide
  emissions, the pollutants behind acid rain and (with VOCs) smog, which the 1991
  Canada–US Air Quality Agreement set out to cut. Past years are inventory estimates;
  later years are ECCC projections, and every row says which.
- ``boundaries`` (source ``natural-earth-countries``): country outlines for the map.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb

from canus.metrics import Column, MetricTable, dict_rows, has_tables, periods, provenance
from canus.sources.air_emissions import SOURCE_ID as AIR_SOURCE
from canus.sources.great_lakes import LAKES
from canus.sources.great_lakes import SOURCE_ID as LAKES_SOURCE
from canus.sources.natural_earth import SOURCE_ID as BOUNDARY_SOURCE

LAKES_DEFINITION = (
    "Mean water level of each Great Lake over the latest complete year, against its mean over "
    "every complete year on record, in metres above the International Great Lakes Datum "
    "(1985). Levels are lake-wide averages coordinated by Canadian and US agencies."
)
AIR_DEFINITION = (
    "Canada's emissions of sulphur oxides and nitrogen oxides, in kilotonnes, all economic "
    "sectors. Years up to the latest inventory year are estimates from Canada's national "
    "inventory; later years are projections by Environment and Climate Change Canada."
)
ACID_RAIN_POLLUTANTS = ("SOX", "NOX")


def great_lakes_levels(con: duckdb.DuckDBPyConnection) -> MetricTable:
    rows: list[dict[str, Any]] = []
    if has_tables(con, "great_lakes_levels"):
        rows = dict_rows(
            con.execute("""
            WITH yearly AS (
                SELECT lake, year(period) AS year, avg(level_m) AS level_m, count(*) AS months
                FROM great_lakes_levels GROUP BY ALL HAVING count(*) = 12
            ), latest AS (
                SELECT lake, max(year) AS year FROM yearly GROUP BY lake
            )
            SELECT y.lake, y.year AS latest_year, y.months, y.level_m AS latest_mean_m,
                   lt.mean_m AS long_term_mean_m, y.level_m - lt.mean_m AS difference_m,
                   lt.first_year, lt.last_year
            FROM latest l JOIN yearly y USING (lake, year)
            JOIN (SELECT lake, avg(level_m) AS mean_m, min(year) AS first_year,
                         max(year) AS last_year
                  FROM yearly GROUP BY lake) lt USING (lake)
        """)
        )
        for r in rows:
            # Only complete years are averaged, so this is "whole" by construction; said anyway.
            r["coverage"] = periods.coverage(range(1, r["months"] + 1))
        order = {lake: i for i, lake in enumerate(LAKES)}
        rows.sort(key=lambda r: order.get(r["lake"], len(order)))
    return MetricTable(
        id="environment-great-lakes",
        title="Great Lakes water levels: latest year against the long-term mean",
        definition=LAKES_DEFINITION,
        columns=[
            Column("lake", "Lake", "text"),
            Column("latest_year", "Year", "year"),
            Column("months", "Months of data", "count"),
            Column("coverage", "Months covered", "text"),
            Column("latest_mean_m", "Mean level in the year (m)", "metres"),
            Column("long_term_mean_m", "Long-term mean level (m)", "metres"),
            Column("difference_m", "Difference (m)", "metres"),
            Column("first_year", "Record starts", "year"),
        ],
        rows=rows,
        provenance=provenance(con, LAKES_SOURCE) if rows else [],
        summary={"year": str(max(r["latest_year"] for r in rows))} if rows else {},
    )


def acid_rain_emissions(con: duckdb.DuckDBPyConnection) -> MetricTable:
    """Canada's SO2 (as sulphur oxides) and NOx totals by year, with the change since the first year."""
    rows: list[dict[str, Any]] = []
    if has_tables(con, "air_emissions"):
        rows = dict_rows(
            con.execute("""
            SELECT year,
                   any_value(value) FILTER (WHERE pollutant = 'SOX') AS sox_kt,
                   any_value(value) FILTER (WHERE pollutant = 'NOX') AS nox_kt,
                   any_value(basis) AS basis
            FROM air_emissions
            WHERE is_total AND pollutant IN ('SOX', 'NOX')
            GROUP BY year ORDER BY year
        """)
        )
    first = next((r for r in rows if r["sox_kt"] is not None and r["nox_kt"] is not None), None)
    for r in rows:
        r["sox_change"] = (
            r["sox_kt"] / first["sox_kt"] - 1 if first and r["sox_kt"] is not None and first["sox_kt"] else None
        )
        r["nox_change"] = (
            r["nox_kt"] / first["nox_kt"] - 1 if first and r["nox_kt"] is not None and first["nox_kt"] else None
        )
    summary: dict[str, str] = {}
    inventory = [r for r in rows if r["basis"] == "inventory" and r["sox_kt"] is not None]
    if first and inventory:
        last = inventory[-1]
        summary = {
            "base_year": str(first["year"]),
            "latest_inventory_year": str(last["year"]),
            "sox_change": f"{last['sox_change']:.3f}",
            "nox_change": f"{last['nox_change']:.3f}",
        }
    return MetricTable(
        id="environment-acid-rain-emissions",
        title="Canada's emissions of sulphur oxides and nitrogen oxides",
        definition=AIR_DEFINITION,
        columns=[
            Column("year", "Year", "year"),
            Column("sox_kt", "Sulphur oxides (kt)", "kt"),
            Column("nox_kt", "Nitrogen oxides (kt)", "kt"),
            Column("sox_change", "Sulphur oxides, change since the first year", "percent"),
            Column("nox_change", "Nitrogen oxides, change since the first year", "percent"),
            Column("basis", "Inventory or projection", "text"),
        ],
        rows=rows,
        provenance=provenance(con, AIR_SOURCE) if rows else [],
        summary=summary,
    )


def boundaries_geojson(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """A GeoJSON FeatureCollection of the stored country outlines, or ``None`` when absent."""
    if not has_tables(con, "boundaries"):
        return None
    features = [
        {
            "type": "Feature",
            "id": iso,
            "properties": {"iso_a3": iso, "name_en": en, "name_fr": fr, "source_id": sid},
            "geometry": json.loads(geojson),
        }
        for iso, en, fr, geojson, sid in con.execute(
            "SELECT iso_a3, name_en, name_fr, geojson, source_id FROM boundaries ORDER BY iso_a3"
        ).fetchall()
    ]
    if not features:
        return None
    return {
        "type": "FeatureCollection",
        "features": features,
        "sources": [p.as_dict("en") for p in provenance(con, BOUNDARY_SOURCE)],
    }
