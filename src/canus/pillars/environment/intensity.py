"""Emissions intensity of both countries: greenhouse gases per person and per dollar of real GDP,
and both as an index 2005 = 100 so the two countries compare on trend.

Emissions are the national inventories' totals without the land sector, the same for both
countries: Canada's National Inventory Total (``ghg_inventory_canada``, ``eccc-ghg-inventory``) and
the US gross total (``ghg_inventory_us``, ``epa-ghg-inventory``). Inventory years only: ECCC's
projections are a forecast and are never divided here.

Denominators, each country's own official series:

- population in the middle of the year: Canada's July 1 estimate (Statistics Canada 17-10-0009-01,
  the quarterly table's ``YYYY-07`` row), and BEA's annual mid-period population of the United
  States (FRED ``B230RC0A052NBEA``, thousands);
- real GDP in the country's own chained 2017 currency: Canada's GDP at market prices in chained
  (2017) dollars (36-10-0222-01, millions of CAD) and US real GDP (FRED ``GDPCA``, billions of
  chained 2017 USD), both read in millions.

Per-GDP levels are in two currencies and are not comparable between the countries; their index
is. A year without a population or a GDP is left out (never filled or carried over) and the
summary names it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from canus.metrics import Column, MetricTable, has_tables, provenance
from canus.sources.statcan_members import select_members

BASE_YEAR = 2005
POP_CA, GDP_CA = "statcan_17100009", "statcan_36100222"
POP_US, GDP_US = "fred_b230rc0a052nbea", "fred_gdpca"
SOURCES = {
    "CA": ("eccc-ghg-inventory", "statcan-17100009", "statcan-36100222"),
    "US": ("epa-ghg-inventory", "fred-B230RC0A052NBEA", "fred-GDPCA"),
}
#: The Canadian GDP series, by dimension and member names (never a vector id).
GDP_MEMBERS = {
    "Geography": ["Canada"],
    "Prices": ["Chained (2017) dollars"],
    "Estimates": ["Gross domestic product at market prices"],
}
CURRENCY = {"CA": "CAD (chained 2017)", "US": "USD (chained 2017)"}
TOTALS = {"CA": "national_inventory_total", "US": "gross_total"}
NEEDS = (
    "ghg_inventory_canada",
    "ghg_inventory_us",
    POP_CA,
    f"{POP_CA}_members",
    GDP_CA,
    f"{GDP_CA}_members",
    POP_US,
    GDP_US,
)
COLUMNS = (
    "country",
    "year",
    "emissions_mt",
    "total",
    "population",
    "t_per_person",
    "gdp_millions",
    "currency",
    "t_per_million_gdp",
    "per_person_index",
    "per_gdp_index",
)

DEFINITION = (
    "Greenhouse gas emissions of Canada and the United States per person and per million dollars "
    "of real GDP, by inventory year: each national inventory's total without the land sector (Canada's "
    "National Inventory Total, the US gross total) in tonnes of CO2 equivalent, divided by the "
    "population in the middle of the year (Canada's July 1 estimate, BEA's mid-period population) "
    "and by real GDP in each country's own chained 2017 currency (Canadian dollars for Canada, US "
    "dollars for the United States). The per-GDP levels are in different currencies and are not "
    "compared between the countries; both measures are also given as an index, 2005 = 100, which "
    "compares the trends. Inventory years only, never projections; a year without a population or "
    "a GDP figure is left out."
)


@dataclass(frozen=True)
class Spec:
    id: str
    unit: str
    basis: str
    tables: tuple[str, ...]
    function: str


SPECS: tuple[Spec, ...] = (Spec("environment-ghg-intensity", "t CO2e per person", "estimate", NEEDS, "intensity"),)


def emissions(con: duckdb.DuckDBPyConnection) -> dict[str, dict[int, float]]:
    """country → {inventory year: Mt CO2e}, both totals without the land sector."""
    out: dict[str, dict[int, float]] = {}
    if has_tables(con, "ghg_inventory_canada"):
        out["CA"] = {
            int(y): float(v)
            for y, v in con.execute(
                "SELECT year, value_mt FROM ghg_inventory_canada WHERE region = 'Canada' AND level = 0 "
                "AND value_mt IS NOT NULL"
            ).fetchall()
        }
    if has_tables(con, "ghg_inventory_us"):
        out["US"] = {
            int(y): float(v)
            for y, v in con.execute(
                "SELECT year, min(value_mt) FROM ghg_inventory_us WHERE kind = 'gross_total' "
                "AND value_mt IS NOT NULL GROUP BY year"
            ).fetchall()
        }
    return out


def _pairs(con: duckdb.DuckDBPyConnection, sql: str) -> dict[int, float]:
    return {int(y): float(v) for y, v in con.execute(sql).fetchall() if v is not None}


def population(con: duckdb.DuckDBPyConnection) -> dict[str, dict[int, float]]:
    """country → {year: persons in the middle of the year}."""
    out: dict[str, dict[int, float]] = {}
    if has_tables(con, POP_CA, f"{POP_CA}_members"):
        sel = select_members(con, POP_CA, {"Geography": ["Canada"]})
        # The quarterly estimate dated July 1 is the year's mid-point; no quarter is averaged in.
        out["CA"] = (
            {}
            if sel.missing
            else _pairs(
                con,
                f"SELECT year(period), value FROM {POP_CA} WHERE {sel.where()} AND month(period) = 7 "
                "AND value IS NOT NULL",
            )
        )
    if has_tables(con, POP_US):
        out["US"] = _pairs(con, f"SELECT year(period), value_base FROM {POP_US} WHERE value_base IS NOT NULL")
    return out


def real_gdp(con: duckdb.DuckDBPyConnection) -> dict[str, dict[int, float]]:
    """country → {year: millions of the country's own chained 2017 currency}."""
    out: dict[str, dict[int, float]] = {}
    if has_tables(con, GDP_CA, f"{GDP_CA}_members"):
        sel = select_members(con, GDP_CA, GDP_MEMBERS)
        # ``value`` is in dollars (the scalar factor applied by the reader): read in millions.
        out["CA"] = (
            {}
            if sel.missing
            else _pairs(
                con, f"SELECT year(period), value / 1e6 FROM {GDP_CA} WHERE {sel.where()} AND value IS NOT NULL"
            )
        )
    if has_tables(con, GDP_US):
        out["US"] = _pairs(con, f"SELECT year(period), value_base / 1e6 FROM {GDP_US} WHERE value_base IS NOT NULL")
    return out


def _index(value: float | None, base: float | None) -> float | None:
    return None if value is None or not base else value / base * 100


def _country_rows(
    country: str, inventory: dict[int, float], pop: dict[int, float], gdp: dict[int, float]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    rows: list[dict[str, Any]] = []
    no_pop = [y for y in sorted(inventory) if y not in pop]
    no_gdp = [y for y in sorted(inventory) if y not in gdp]
    for year in sorted(inventory):
        if year in no_pop or year in no_gdp:
            continue
        mt = inventory[year]
        rows.append(
            {
                "country": country,
                "year": year,
                "emissions_mt": mt,
                "total": TOTALS[country],
                "population": pop[year],
                # Mt → t: × 1e6; per person and per million of currency.
                "t_per_person": mt * 1e6 / pop[year],
                "gdp_millions": gdp[year],
                "currency": CURRENCY[country],
                "t_per_million_gdp": mt * 1e6 / gdp[year],
            }
        )
    base = next((r for r in rows if r["year"] == BASE_YEAR), None)
    for r in rows:
        r["per_person_index"] = _index(r["t_per_person"], base["t_per_person"] if base else None)
        r["per_gdp_index"] = _index(r["t_per_million_gdp"], base["t_per_million_gdp"] if base else None)
    summary = {}
    if no_pop:
        summary[f"{country}_no_population"] = ", ".join(map(str, no_pop))
    if no_gdp:
        summary[f"{country}_no_gdp"] = ", ".join(map(str, no_gdp))
    if base is None and rows:
        summary[f"{country}_no_base_year"] = str(BASE_YEAR)
    if rows:
        last = rows[-1]
        summary[f"{country}_latest_year"] = str(last["year"])
        summary[f"{country}_t_per_person"] = f"{last['t_per_person']:.2f}"
        if last["per_person_index"] is not None:
            summary[f"{country}_per_person_index"] = f"{last['per_person_index']:.1f}"
            summary[f"{country}_per_gdp_index"] = f"{last['per_gdp_index']:.1f}"
    return rows, summary


def intensity(con: duckdb.DuckDBPyConnection) -> MetricTable:
    inventories, pops, gdps = emissions(con), population(con), real_gdp(con)
    rows: list[dict[str, Any]] = []
    summary: dict[str, str] = {}
    for country in ("CA", "US"):
        if country not in inventories:
            continue
        got, said = _country_rows(country, inventories[country], pops.get(country, {}), gdps.get(country, {}))
        rows += got
        summary.update(said)
    loaded = [sid for country in ("CA", "US") for sid in SOURCES[country]]
    return MetricTable(
        id="environment-ghg-intensity",
        title="Emissions per person and per dollar of GDP, Canada and the United States",
        definition=DEFINITION,
        columns=[
            Column("country", "Country", "code"),
            Column("year", "Year", "year"),
            Column("emissions_mt", "Emissions (Mt CO2 eq.)", "Mt"),
            Column("total", "Which total", "code"),
            Column("population", "Population in the middle of the year", "persons"),
            Column("t_per_person", "Tonnes of CO2 eq. per person", "t"),
            Column("gdp_millions", "Real GDP (millions, chained 2017 currency)", "millions"),
            Column("currency", "Currency of GDP", "code"),
            Column("t_per_million_gdp", "Tonnes of CO2 eq. per million of real GDP", "t"),
            Column("per_person_index", "Per person, index 2005 = 100", "index"),
            Column("per_gdp_index", "Per dollar of GDP, index 2005 = 100", "index"),
        ],
        rows=rows,
        provenance=provenance(con, *(sid for sid in loaded if _loaded(con, sid))),
        summary=summary,
    )


def _loaded(con: duckdb.DuckDBPyConnection, source_id: str) -> bool:
    tables = {
        "eccc-ghg-inventory": "ghg_inventory_canada",
        "epa-ghg-inventory": "ghg_inventory_us",
        "statcan-17100009": POP_CA,
        "statcan-36100222": GDP_CA,
        "fred-B230RC0A052NBEA": POP_US,
        "fred-GDPCA": GDP_US,
    }
    return has_tables(con, tables[source_id])
