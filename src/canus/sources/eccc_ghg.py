"""Environment and Climate Change Canada: Canada's official greenhouse gas inventory by economic sector.

Refresh: ``canus update eccc-ghg-inventory`` downloads ``EN_GHG_Econ_Can_Prov_Terr.csv`` from
ECCC's data portal, folder ``canada-s-official-greenhouse-gas-inventory/B-Economic-Sector``
(``CANUS_URL_ECCC_GHG_INVENTORY`` moves it). ECCC publishes a new edition each spring with the
National Inventory Report (the year before last is the latest inventory year); every edition
revises earlier years, and the version record keeps which edition was loaded.

What it counts: greenhouse gas emissions in kilotonnes of CO2 equivalent, by year (1990
onward), province or territory and Canada, and by economic sector (Oil and Gas, Electricity,
Transportation, Heavy Industry, Buildings, Agriculture, Waste, Coal Production, Light
Manufacturing, Construction and Forest Resources) with sub-sectors. The row ``National
Inventory Total`` is Canada's total, the figure the national targets are set against.

Layout ([V3], several independent readers of the file): ``Year, Region, Index, Source, Sector,
Sub-sector, Sub-sub-sector, Total, CO2eq, Unit``. A row's level is given by which of Source,
Sector, Sub-sector, Sub-sub-sector are filled (blank = a total over the level below); ``Total``
is ``y`` (sometimes `` y``) on total rows. CO2eq may be ``x`` (suppressed) or blank: kept as
NULL with the symbol, never zero. UTF-8 or Windows-1252 (``Québec``) are both read.
"""

from __future__ import annotations

import duckdb

from canus.errors import CanusError, LayoutError
from canus.sources import register
from canus.sources.base import LICENCES, LoadResult, RemoteFile, Snapshot, Source
from canus.sources.csvutil import header, sql_str
from canus.sources.text import utf8_text

SOURCE_ID = "eccc-ghg-inventory"
FILE_NAME = "EN_GHG_Econ_Can_Prov_Terr.csv"
DEFAULT_URL = (
    "https://data-donnees.az.ec.gc.ca/api/file?path=%2Fsubstances%2Fmonitor%2F"
    "canada-s-official-greenhouse-gas-inventory%2FB-Economic-Sector%2F" + FILE_NAME
)
REQUIRED = ("Year", "Region", "Source", "Sector", "Sub-sector", "Sub-sub-sector", "CO2eq")
NATIONAL_TOTAL = "National Inventory Total"


def load(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    snap = snaps[FILE_NAME]
    cols = header(snap.path, encoding="latin-1")
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise LayoutError(
            "{source}: {file}: expected columns are missing: {columns}",
            source=source.id,
            file=snap.name,
            columns=", ".join(missing),
        )

    def fail(message: str, **fields: object) -> LayoutError:
        return LayoutError(
            "{source}: {file}: {problem}", source=source.id, file=snap.name, problem=CanusError(message, **fields)
        )

    unit = '"Unit"' if "Unit" in cols else "'kt'"
    with utf8_text(snap.path) as text_path:
        con.execute(f"""
            CREATE TEMP TABLE nir_stage AS
            SELECT trim("Year") AS year_text, try_cast(trim("Year") AS INTEGER) AS year,
                   trim("Region") AS region, nullif(trim("Source"), '') AS src,
                   nullif(trim("Sector"), '') AS sector, nullif(trim("Sub-sector"), '') AS sub_sector,
                   nullif(trim("Sub-sub-sector"), '') AS sub_sub_sector,
                   trim(coalesce("CO2eq", '')) AS cell,
                   try_cast(replace(trim("CO2eq"), ',', '') AS DOUBLE) AS value_kt,
                   trim(coalesce({unit}, 'kt')) AS unit
            FROM read_csv({sql_str(text_path)}, header = true, all_varchar = true)
            WHERE nullif(trim("Year"), '') IS NOT NULL
        """)
    try:
        if not con.execute("SELECT count(*) FROM nir_stage").fetchone()[0]:  # type: ignore[index]
            raise fail("the file has no data rows")
        bad = con.execute("""
            SELECT count(*), any_value(year_text || ' ' || region || ': ' || cell) FROM nir_stage
            WHERE year IS NULL OR (value_kt IS NULL AND lower(cell) NOT IN ('', 'x', '-', 'n/a'))
        """).fetchone()
        if bad and bad[0]:
            raise fail("{n} rows have a year or CO2eq in no known form (e.g. {example!r})", n=bad[0], example=bad[1])
        units = con.execute("SELECT string_agg(DISTINCT unit, ', ') FROM nir_stage").fetchone()[0]  # type: ignore[index]
        if units and units.lower() != "kt":
            raise fail("CO2eq is in {units}, not kilotonnes (kt)", units=units)
        if not con.execute(
            f"SELECT count(*) FROM nir_stage WHERE region = 'Canada' AND src = {sql_str(NATIONAL_TOTAL)}"
        ).fetchone()[0]:  # type: ignore[index]
            raise fail("no {total} row for Canada", total=NATIONAL_TOTAL)
        con.execute(f"""
            CREATE TABLE ghg_inventory_canada AS
            SELECT year, region, src AS economic_sector, sector, sub_sector, sub_sub_sector,
                   CASE WHEN src = {sql_str(NATIONAL_TOTAL)} THEN 0
                        WHEN sector IS NULL THEN 1 WHEN sub_sector IS NULL THEN 2
                        WHEN sub_sub_sector IS NULL THEN 3 ELSE 4 END AS level,
                   value_kt, value_kt / 1000 AS value_mt,
                   CASE WHEN value_kt IS NULL THEN nullif(cell, '') END AS status,
                   {sql_str(source.id)} AS source_id, {sql_str(snap.sha256)} AS snapshot_sha256
            FROM nir_stage ORDER BY region, year, level, economic_sector, sector, sub_sector
        """)
        # The economic sectors must add up to the national total (rounding allowed): a shifted
        # column or a changed meaning of the blanks shows up here.
        off = con.execute("""
            WITH s AS (SELECT year, sum(value_kt) AS parts FROM ghg_inventory_canada
                       WHERE region = 'Canada' AND level = 1 GROUP BY year),
                 t AS (SELECT year, value_kt AS total FROM ghg_inventory_canada
                       WHERE region = 'Canada' AND level = 0)
            SELECT count(*), any_value(year || ': ' || parts || ' vs ' || total)
            FROM t JOIN s USING (year) WHERE abs(parts - total) > greatest(10, 0.001 * total)
        """).fetchone()
        if off and off[0]:
            raise fail(
                "{n} national totals differ from the sum of their economic sectors (e.g. {example} kt)",
                n=off[0],
                example=off[1],
            )
        rows, as_of = con.execute("SELECT count(*), max(year)::VARCHAR FROM ghg_inventory_canada").fetchone()  # type: ignore[misc]
    finally:
        con.execute("DROP TABLE IF EXISTS nir_stage")
    return LoadResult(rows=rows, as_of=as_of, notes={"latest_inventory_year": str(as_of)})


SOURCE = Source(
    id=SOURCE_ID,
    title={
        "en": "Canada's official greenhouse gas inventory, by economic sector",
        "fr": "Inventaire officiel des gaz à effet de serre du Canada, par secteur économique",
    },
    publisher={"en": "Environment and Climate Change Canada", "fr": "Environnement et Changement climatique Canada"},
    licence=LICENCES["ogl-canada"],
    landing_url="https://data-donnees.az.ec.gc.ca/data/substances/monitor/"
    "canada-s-official-greenhouse-gas-inventory/B-Economic-Sector/",
    cadence="yearly",
    files=(RemoteFile(name=FILE_NAME, url=DEFAULT_URL, kind="csv", required_columns=REQUIRED, encoding="latin-1"),),
    tables=("ghg_inventory_canada",),
    load=load,
    description={
        "en": "Canada's greenhouse gas emissions by year, province and economic sector, in "
        "kilotonnes of CO2 equivalent, from the National Inventory Report.",
        "fr": "Émissions de gaz à effet de serre du Canada par année, province et secteur "
        "économique, en kilotonnes d'équivalent CO2, selon le Rapport d'inventaire national.",
    },
)

register(SOURCE)
