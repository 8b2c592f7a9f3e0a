"""Environment and Climate Change Canada: greenhouse gas emissions by economic sector and gas,
historical and projected (reference case).

Refresh: ``canus update eccc-ghg-projections`` downloads
``economic_sector_GHG_emissions_GES_secteur_economique.csv`` from the same ECCC folder as the air
pollutant table (``air-emissions``: "Canada's Greenhouse Gas Emissions Projections", open.canada.ca
dataset ``7ba5acf6-ebae-45b6-bb14-84ab56ad2055``); ``CANUS_URL_ECCC_GHG_PROJECTIONS`` moves it.

What it counts: Canada's emissions in megatonnes of CO2 equivalent by economic sector (Oil and
Gas, Electricity, Transportation, Heavy Industry, Buildings, Agriculture, Waste and Others) and
gas, 2005–2030. Years up to the edition's last inventory year repeat the national inventory of
that time; later years are ECCC's projections. Every row says which (``basis``); the edition
boundary is the same as the air pollutant table's (``air_emissions.LAST_INVENTORY_YEAR``),
since both come from one release.

Layout ([V3]: a copy of the 2021 edition's file): the bilingual header of that folder
(``Greenhouse Gas (English) / Gaz à effet de serre (anglais)``, …, ``Units (English) / …``, then
one column per year), every field quoted, a ``Total`` sector row per gas, ``-`` for no data.
"""

from __future__ import annotations

import duckdb

from canus.errors import CanusError, LayoutError
from canus.sources import register
from canus.sources.air_emissions import LAST_INVENTORY_YEAR
from canus.sources.base import LICENCES, LoadResult, RemoteFile, Snapshot, Source
from canus.sources.csvutil import header, ident, sql_str
from canus.sources.text import utf8_text

SOURCE_ID = "eccc-ghg-projections"
FILE_NAME = "economic_sector_GHG_emissions_GES_secteur_economique.csv"
DEFAULT_URL = (
    "https://data-donnees.az.ec.gc.ca/api/file?path=/substances%2Fmonitor%2F"
    "canada-s-greenhouse-gas-emissions-projections%2FCurrent-Projections-Actuelles%2F"
    "GHG-GES%2F" + FILE_NAME
)
GAS_EN = "Greenhouse Gas (English) / Gaz à effet de serre (anglais)"
SECTOR_EN = "Economic Sector (English) / Secteur économique (anglais)"
SECTOR_FR = "Economic Sector (French) / Secteur économique (français)"
UNIT_EN = "Units (English) / Unité (anglais)"
REQUIRED = (GAS_EN, SECTOR_EN, SECTOR_FR, UNIT_EN)
UNIT = "Megatonnes of carbon dioxide equivalent"
ROUNDING_PER_SECTOR = 0.05


def load(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    snap = snaps[FILE_NAME]
    cols = header(snap.path, encoding="cp1252")
    missing = [c for c in REQUIRED if c not in cols]
    years = [c for c in cols if c.isdigit() and len(c) == 4]
    if missing or not years:
        raise LayoutError(
            "{source}: {file}: expected columns are missing: {columns}",
            source=source.id,
            file=snap.name,
            columns=", ".join(missing) if missing else "one column per year (e.g. 2005)",
        )

    def fail(message: str, **fields: object) -> LayoutError:
        return LayoutError(
            "{source}: {file}: {problem}", source=source.id, file=snap.name, problem=CanusError(message, **fields)
        )

    with utf8_text(snap.path) as text_path:
        con.execute(f"""
            CREATE TEMP TABLE proj_stage AS
            WITH wide AS (
                SELECT * FROM read_csv({sql_str(text_path)}, header = true, all_varchar = true,
                                       null_padding = true, strict_mode = false)
                WHERE nullif(trim({ident(UNIT_EN)}), '') IS NOT NULL
            ), long AS (UNPIVOT wide ON {", ".join(ident(y) for y in years)} INTO NAME year_text VALUE cell)
            SELECT trim({ident(GAS_EN)}) AS gas, trim({ident(SECTOR_EN)}) AS sector,
                   trim({ident(SECTOR_FR)}) AS sector_fr, trim({ident(UNIT_EN)}) AS unit,
                   year_text::INTEGER AS year, trim(coalesce(cell, '')) AS cell,
                   try_cast(replace(trim(cell), ',', '') AS DOUBLE) AS value_mt
            FROM long
        """)
    try:
        if not con.execute("SELECT count(*) FROM proj_stage").fetchone()[0]:  # type: ignore[index]
            raise fail("the file has no data rows")
        bad = con.execute("""SELECT count(*), any_value(gas || ' ' || year || ': ' || cell) FROM proj_stage
                             WHERE value_mt IS NULL AND lower(cell) NOT IN ('', '-', 'x', 'n/a')""").fetchone()
        if bad and bad[0]:
            raise fail("{n} cells are neither numbers nor a known symbol (e.g. {example!r})", n=bad[0], example=bad[1])
        units = con.execute("SELECT string_agg(DISTINCT unit, ', ') FROM proj_stage").fetchone()[0]  # type: ignore[index]
        if units != UNIT:
            raise fail("values are in {units}, not {expected}", units=units, expected=UNIT)
        off = con.execute(f"""
            WITH s AS (SELECT gas, year, sum(value_mt) AS parts, count(*) AS n FROM proj_stage
                       WHERE sector <> 'Total' AND value_mt IS NOT NULL GROUP BY ALL),
                 t AS (SELECT gas, year, value_mt AS total FROM proj_stage
                       WHERE sector = 'Total' AND value_mt IS NOT NULL)
            SELECT count(*), any_value(gas || ' ' || year || ': ' || parts || ' vs ' || total)
            FROM t JOIN s USING (gas, year) WHERE abs(parts - total) > greatest(0.1, n * {ROUNDING_PER_SECTOR})
        """).fetchone()
        if off and off[0]:
            raise fail("{n} totals differ from the sum of their sectors (e.g. {example})", n=off[0], example=off[1])
        con.execute(f"""
            CREATE TABLE ghg_projections_canada AS
            SELECT year, gas, sector, sector_fr, sector = 'Total' AS is_total, value_mt,
                   CASE WHEN value_mt IS NULL THEN nullif(cell, '') END AS status,
                   CASE WHEN year <= {LAST_INVENTORY_YEAR} THEN 'inventory' ELSE 'projection' END AS basis,
                   {sql_str(source.id)} AS source_id, {sql_str(snap.sha256)} AS snapshot_sha256
            FROM proj_stage ORDER BY gas, is_total, sector, year
        """)
        rows = con.execute("SELECT count(*) FROM ghg_projections_canada").fetchone()[0]  # type: ignore[index]
    finally:
        con.execute("DROP TABLE IF EXISTS proj_stage")
    return LoadResult(
        rows=rows,
        as_of=str(LAST_INVENTORY_YEAR),
        notes={"years": f"{years[0]}–{years[-1]}", "last_inventory_year": str(LAST_INVENTORY_YEAR)},
    )


SOURCE = Source(
    id=SOURCE_ID,
    title={
        "en": "Greenhouse gas emissions by economic sector, historical and projected",
        "fr": "Émissions de gaz à effet de serre par secteur économique, historiques et projetées",
    },
    publisher={"en": "Environment and Climate Change Canada", "fr": "Environnement et Changement climatique Canada"},
    licence=LICENCES["ogl-canada"],
    landing_url="https://open.canada.ca/data/en/dataset/7ba5acf6-ebae-45b6-bb14-84ab56ad2055",
    cadence="yearly",
    files=(RemoteFile(name=FILE_NAME, url=DEFAULT_URL, kind="csv", required_columns=REQUIRED, encoding="cp1252"),),
    tables=("ghg_projections_canada",),
    load=load,
    description={
        "en": "Canada's greenhouse gas emissions by economic sector and gas, in megatonnes of CO2 "
        "equivalent: inventory years, then ECCC's projections (reference case) to 2030.",
        "fr": "Émissions de gaz à effet de serre du Canada par secteur économique et par gaz, en "
        "mégatonnes d'équivalent CO2\u00a0: années d'inventaire, puis projections d'ECCC (scénario de "
        "référence) jusqu'en 2030.",
    },
)

register(SOURCE)
