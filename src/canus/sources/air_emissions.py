"""Environment and Climate Change Canada: air pollutant emissions by economic sector.

Refresh: ``canus update air-emissions`` downloads the table
``air_pollutants_emissions_pollutants_atmospheriques.csv`` of ECCC's "Canada's Greenhouse
Gas Emissions Projections" open data (open.canada.ca dataset
``7ba5acf6-ebae-45b6-bb14-84ab56ad2055``), served from ECCC's data portal
(``data-donnees.az.ec.gc.ca``), folder ``Current-Projections-Actuelles/GHG-GES``. The
exact address of this one file inside that folder could not be checked offline: if ECCC
moves it, set ``CANUS_URL_AIR_EMISSIONS``. The copy canus was built against is the 2021
edition (published 2022-04-01, data of 2022-02-15).

What it counts: Canada's emissions of sulphur oxides, nitrogen oxides, volatile organic
compounds, particulate matter, black carbon, carbon monoxide, mercury and ammonia, by
economic sector, in kilotonnes (mercury in kilograms), 2005 onward. Years up to the
edition's last inventory year come from Canada's national inventory; later years are
ECCC projections (reference case). Per the publisher's notes, these totals include some
sources left out of the official Air Pollutant Emissions Inventory (aviation at cruise
altitude, international marine), so they differ slightly from it.

Layout: bilingual header (``Air Pollutant (English) / Polluant atmosphérique (anglais)``,
…, then one column per year), Windows-1252 (``Oxydes d’azote`` with byte 0x92), a
``Total`` sector row per pollutant, and note rows in English and French at the bottom.
Cell symbols: ``-`` no data, ``x`` suppressed (Statistics Act), ``n/a``/``s/o`` not
applicable; they are kept in ``status`` with a NULL value, never read as zero.
"""

from __future__ import annotations

import duckdb

from canus.errors import CanusError, LayoutError
from canus.sources import register
from canus.sources.base import LICENCES, LoadResult, RemoteFile, Snapshot, Source
from canus.sources.cer_electricity import utf8_copy
from canus.sources.csvutil import header, ident, sql_str

SOURCE_ID = "air-emissions"
FILE_NAME = "air_pollutants_emissions_pollutants_atmospheriques.csv"
DEFAULT_URL = (
    "https://data-donnees.az.ec.gc.ca/api/file?path=/substances%2Fmonitor%2F"
    "canada-s-greenhouse-gas-emissions-projections%2FCurrent-Projections-Actuelles%2F"
    "GHG-GES%2F" + FILE_NAME
)
ENCODING = "cp1252"
POLLUTANT_EN = "Air Pollutant (English) / Polluant atmosphérique (anglais)"
POLLUTANT_FR = "Air Pollutant (French) / Polluant atmosphérique (français)"
SECTOR_EN = "Economic Sector (English) / Secteur économique (anglais)"
SECTOR_FR = "Economic Sector (French) / Secteur économique (français)"
UNIT_EN = "Units (English) / Unité (anglais)"
UNIT_FR = "Units (French) / Unité (français)"
REQUIRED = (POLLUTANT_EN, POLLUTANT_FR, SECTOR_EN, SECTOR_FR, UNIT_EN, UNIT_FR)
#: Last year taken from the national inventory in the 2021 edition (its ReadMe says
#: "2005 to 2019"); later years are projections. A newer edition moves this forward.
LAST_INVENTORY_YEAR = 2019
#: English pollutant names → short codes used by the metrics.
POLLUTANT_CODES = {
    "Sulphur Oxides": "SOX",
    "Nitrogen Oxides": "NOX",
    "Volatile Organic Compounds": "VOC",
    "Total Particulate Matter": "TPM",
    "Particulate Matter 10": "PM10",
    "Particulate Matter 2.5": "PM2.5",
    "Black Carbon": "BC",
    "Carbon Monoxide": "CO",
    "Mercury": "HG",
    "Ammonia": "NH3",
}
#: Sector rows are rounded separately from the total (the ReadMe says so): allow half a
#: unit per sector.
ROUNDING_PER_SECTOR = 0.5


def load(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    snap = snaps[FILE_NAME]
    cols = header(snap.path, encoding=ENCODING)
    missing = [c for c in REQUIRED if c not in cols]
    years = [c for c in cols if c.isdigit() and len(c) == 4]
    if missing or not years:
        raise LayoutError(
            "{source}: {file}: expected columns are missing: {columns}",
            source=source.id,
            file=snap.name,
            columns=", ".join(missing) if missing else "one column per year (e.g. 2005)",
        )
    codes = "MAP {" + ", ".join(f"{sql_str(k)}: {sql_str(v)}" for k, v in POLLUTANT_CODES.items()) + "}"
    year_cols = ", ".join(ident(y) for y in years)
    with utf8_copy(snap.path) as text_path:
        con.execute(f"""
            CREATE TEMP TABLE air_stage AS
            WITH wide AS (
                SELECT * FROM read_csv({sql_str(text_path)}, header = true, all_varchar = true,
                                       null_padding = true, strict_mode = false)
                -- Note rows at the bottom carry text in the first column only.
                WHERE nullif(trim({ident(UNIT_EN)}), '') IS NOT NULL
            ), long AS (
                UNPIVOT wide ON {year_cols} INTO NAME year_text VALUE cell
            )
            SELECT trim({ident(POLLUTANT_EN)}) AS pollutant_en,
                   trim({ident(POLLUTANT_FR)}) AS pollutant_fr,
                   trim({ident(SECTOR_EN)}) AS sector_en,
                   trim({ident(SECTOR_FR)}) AS sector_fr,
                   trim({ident(UNIT_EN)}) AS unit_en,
                   trim({ident(UNIT_FR)}) AS unit_fr,
                   year_text::INTEGER AS year,
                   trim(coalesce(cell, '')) AS cell,
                   try_cast(replace(replace(trim(cell), ',', ''), ' ', '') AS DOUBLE) AS value
            FROM long
        """)
    try:
        _validate(con, source, snap)
        con.execute(f"""
            CREATE TABLE air_emissions AS
            SELECT {codes}[pollutant_en] AS pollutant,
                   pollutant_en, pollutant_fr, sector_en, sector_fr,
                   sector_en = 'Total' AS is_total,
                   year, value,
                   CASE WHEN value IS NULL THEN nullif(cell, '') END AS status,
                   unit_en AS unit, unit_fr,
                   CASE WHEN year <= {LAST_INVENTORY_YEAR} THEN 'inventory' ELSE 'projection'
                   END AS basis,
                   {sql_str(source.id)} AS source_id,
                   {sql_str(snap.sha256)} AS snapshot_sha256
            FROM air_stage
            ORDER BY pollutant_en, is_total, sector_en, year
        """)
        rows, last_inventory = con.execute(f"""
            SELECT count(*), max(year) FILTER (WHERE value IS NOT NULL
                                               AND year <= {LAST_INVENTORY_YEAR})
            FROM air_emissions
        """).fetchone()  # type: ignore[misc]
        unknown = con.execute(
            "SELECT string_agg(DISTINCT pollutant_en, ', ') FROM air_emissions WHERE pollutant IS NULL"
        ).fetchone()[0]  # type: ignore[index]
    finally:
        con.execute("DROP TABLE IF EXISTS air_stage")
    notes = {"years": f"{years[0]}–{years[-1]}", "last_inventory_year": str(LAST_INVENTORY_YEAR)}
    if unknown:
        notes["pollutants_without_code"] = unknown
    return LoadResult(rows=rows, as_of=str(last_inventory) if last_inventory else None, notes=notes)


def _validate(con: duckdb.DuckDBPyConnection, source: Source, snap: Snapshot) -> None:
    def fail(message: str, **fields: object) -> LayoutError:
        return LayoutError(
            "{source}: {file}: {problem}", source=source.id, file=snap.name, problem=CanusError(message, **fields)
        )

    n = con.execute("SELECT count(*) FROM air_stage").fetchone()[0]  # type: ignore[index]
    if n == 0:
        raise fail("the file has no data rows")
    bad = con.execute("""
        SELECT count(*), any_value(pollutant_en || ' ' || year || ': ' || cell) FROM air_stage
        WHERE value IS NULL AND lower(cell) NOT IN ('', '-', 'x', 'n/a', 's/o')
    """).fetchone()
    if bad and bad[0]:
        raise fail("{n} cells are neither numbers nor a known symbol (e.g. {example!r})", n=bad[0], example=bad[1])
    no_total = con.execute("""
        SELECT string_agg(DISTINCT pollutant_en, ', ') FROM air_stage
        WHERE pollutant_en NOT IN (SELECT pollutant_en FROM air_stage WHERE sector_en = 'Total')
    """).fetchone()[0]  # type: ignore[index]
    if no_total:
        raise fail("no Total row for: {pollutants}", pollutants=no_total)
    # Each published total must be the sum of its sectors, give or take rounding: a shifted
    # column or a cut-off file shows up here.
    off = con.execute(f"""
        WITH s AS (
            SELECT pollutant_en, year, sum(value) AS parts, count(*) AS n
            FROM air_stage WHERE sector_en <> 'Total' AND value IS NOT NULL GROUP BY ALL
        ), t AS (
            SELECT pollutant_en, year, value AS total FROM air_stage
            WHERE sector_en = 'Total' AND value IS NOT NULL
        )
        SELECT count(*), any_value(pollutant_en || ' ' || year || ': ' || parts || ' vs ' || total)
        FROM t JOIN s USING (pollutant_en, year)
        WHERE abs(parts - total) > greatest(1, n * {ROUNDING_PER_SECTOR})
    """).fetchone()
    if off and off[0]:
        raise fail("{n} totals differ from the sum of their sectors (e.g. {example})", n=off[0], example=off[1])


SOURCE = Source(
    id=SOURCE_ID,
    title={
        "en": "Air pollutant emissions by economic sector, historical and projected",
        "fr": "Émissions de polluants atmosphériques par secteur économique, historiques et projetées",
    },
    publisher={
        "en": "Environment and Climate Change Canada",
        "fr": "Environnement et Changement climatique Canada",
    },
    licence=LICENCES["ogl-canada"],
    landing_url="https://open.canada.ca/data/en/dataset/7ba5acf6-ebae-45b6-bb14-84ab56ad2055",
    cadence="yearly",
    files=(RemoteFile(name=FILE_NAME, url=DEFAULT_URL, kind="csv", required_columns=REQUIRED, encoding=ENCODING),),
    tables=("air_emissions",),
    load=load,
    description={
        "en": "Canada's emissions of air pollutants (sulphur oxides, nitrogen oxides and others) "
        "by economic sector, from the national inventory for past years and from ECCC "
        "projections for later years.",
        "fr": "Émissions canadiennes de polluants atmosphériques (oxydes de soufre, oxydes "
        "d'azote et autres) par secteur économique\u00a0: inventaire national pour les années "
        "passées, projections d'ECCC pour les années suivantes.",
    },
)

register(SOURCE)
