"""Canada Energy Regulator: crude oil exports by destination and by type, monthly.

Refresh: ``canus update cer-crude-oil-exports`` downloads
``https://www.cer-rec.gc.ca/open/imports-exports/crude-oil-exports-by-destination-monthly.csv``
(open.canada.ca dataset ``0b7bf4b3-423a-45d0-a92b-e69be0b81ce4``; ``CANUS_URL_CER_CRUDE_OIL_EXPORTS``
moves it). CER updates it monthly, a few months behind.

What it counts: Canada's crude oil exports by destination — the five US Petroleum
Administration for Defense Districts (``PADD I`` … ``PADD V``) and other countries — as an
average volume per day over the month, in cubic metres and in barrels. The tidy table keeps
both, and also the month's volume (average per day × days in the month).

Layout ([V3], several independent readers): ``Period, Year, Month, PADD, Volume (m3/d),
Volume (bbl/d)``; ``Total`` rows per month (left out of the tidy table, used to check the
detail adds up where nothing is confidential); volumes may be the literal ``Confidential``
(kept as NULL and flagged, never read as zero). The file is read as Windows-1252 like the
CER's other files. CER and Statistics Canada export figures differ by design (CER's
"reconciling data" page): the page shows which one a figure comes from.

The same dataset's ``crude-oil-exports-by-type-monthly.csv`` (source ``cer-crude-oil-exports-type``,
``CANUS_URL_CER_CRUDE_OIL_EXPORTS_TYPE``) has ``Oil Type`` in place of ``PADD`` (light, medium,
heavy … and ``Total``; [V3], Period seen as ``01/31/2021``-style month/day/year) and is read the
same way into ``cer_crude_exports_by_type``.
"""

from __future__ import annotations

import duckdb

from canus.sources import cer_open_data as cer
from canus.sources import register
from canus.sources.base import LICENCES, LoadResult, RemoteFile, Snapshot, Source
from canus.sources.cer_open_data import ENCODING
from canus.sources.csvutil import sql_str

SOURCE_ID = "cer-crude-oil-exports"
FILE_NAME = "crude-oil-exports-by-destination-monthly.csv"
DEFAULT_URL = "https://www.cer-rec.gc.ca/open/imports-exports/" + FILE_NAME
TYPE_SOURCE_ID = "cer-crude-oil-exports-type"
TYPE_FILE_NAME = "crude-oil-exports-by-type-monthly.csv"
M3, BBL = "Volume (m3/d)", "Volume (bbl/d)"
REQUIRED = ("Period", "PADD", M3, BBL)
TYPE_REQUIRED = ("Period", "Oil Type", M3, BBL)
#: Published monthly totals against the sum of destinations, in m³/d (rounding of averages).
TOLERANCE_M3_PER_DAY = 2.0


def load(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    return _load(con, snaps[FILE_NAME], source, "PADD", REQUIRED)


def load_by_type(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    return _load(con, snaps[TYPE_FILE_NAME], source, "Oil Type", TYPE_REQUIRED)


def _load(
    con: duckdb.DuckDBPyConnection, snap: Snapshot, source: Source, category: str, required: tuple[str, ...]
) -> LoadResult:
    cols = set(cer.columns(snap))
    cer.require_columns(snap, source, (c for c in required if c not in cols))
    select = f"""nullif(trim("{category}"), '') AS destination,
                   trim("{M3}") AS m3_text, {cer.num_sql(M3)} AS m3_per_day,
                   trim("{BBL}") AS bbl_text, {cer.num_sql(BBL)} AS bbl_per_day"""
    with cer.staged(con, snap, "crude_stage", select):
        _validate(con, source, snap)
        by_type = category == "Oil Type"
        table = "cer_crude_exports_by_type" if by_type else "cer_crude_exports"
        first = (
            "destination AS oil_type"
            if by_type
            else "destination, starts_with(upper(destination), 'PADD') AS to_united_states"
        )
        con.execute(f"""
            CREATE TABLE {table} AS
            SELECT period, {first},
                   m3_per_day, bbl_per_day,
                   m3_per_day IS NULL AND lower(m3_text) = 'confidential' AS confidential,
                   day(last_day(period)) AS days,
                   m3_per_day * day(last_day(period)) AS volume_m3,
                   bbl_per_day * day(last_day(period)) AS volume_bbl,
                   {sql_str(source.id)} AS source_id, {sql_str(snap.sha256)} AS snapshot_sha256
            FROM crude_stage WHERE lower(coalesce(destination, '')) <> 'total'
            ORDER BY 1, 2
        """)
        rows, as_of = con.execute(f"SELECT count(*), strftime(max(period), '%Y-%m') FROM {table}").fetchone()  # type: ignore[misc]
        confidential = con.execute(f"SELECT count(*) FROM {table} WHERE confidential").fetchone()[0]  # type: ignore[index]
    return LoadResult(rows=rows, as_of=as_of, notes={"confidential_cells": str(confidential)})


def _validate(con: duckdb.DuckDBPyConnection, source: Source, snap: Snapshot) -> None:
    fail = cer.layout_failure(source, snap)
    cer.check_periods(con, "crude_stage", fail)
    n, example = cer.unreadable_numbers(con, "crude_stage", [("m3_per_day", "m3_text"), ("bbl_per_day", "bbl_text")])
    if n:
        raise fail(
            "{n} rows have a volume that is neither a number nor Confidential (e.g. {example!r})", n=n, example=example
        )
    off = con.execute(f"""
        WITH d AS (SELECT period, sum(m3_per_day) AS s, bool_or(m3_per_day IS NULL) AS hidden
                   FROM crude_stage WHERE lower(coalesce(destination, '')) <> 'total' GROUP BY period),
             t AS (SELECT period, m3_per_day AS total FROM crude_stage
                   WHERE lower(destination) = 'total' AND m3_per_day IS NOT NULL)
        SELECT count(*), any_value(strftime(period, '%Y-%m') || ': ' || s || ' vs ' || total)
        FROM t JOIN d USING (period)
        WHERE NOT hidden AND abs(s - total) > {TOLERANCE_M3_PER_DAY}
    """).fetchone()
    if off and off[0]:
        raise fail(
            "{n} monthly totals do not match the sum of their parts (e.g. {example} m³/d)", n=off[0], example=off[1]
        )


SOURCE = Source(
    id=SOURCE_ID,
    title={
        "en": "Crude oil exports by destination (monthly)",
        "fr": "Exportations de pétrole brut par destination (mensuelles)",
    },
    publisher={"en": "Canada Energy Regulator", "fr": "Régie de l'énergie du Canada"},
    licence=LICENCES["ogl-canada"],
    landing_url="https://open.canada.ca/data/en/dataset/0b7bf4b3-423a-45d0-a92b-e69be0b81ce4",
    cadence="monthly",
    files=(RemoteFile(name=FILE_NAME, url=DEFAULT_URL, kind="csv", required_columns=REQUIRED, encoding=ENCODING),),
    tables=("cer_crude_exports",),
    load=load,
    description={
        "en": "Canada's crude oil exports by destination (US refining districts PADD I to V and "
        "other countries), average cubic metres and barrels a day in each month, as reported to "
        "the Canada Energy Regulator.",
        "fr": "Exportations canadiennes de pétrole brut par destination (districts de raffinage "
        "américains PADD I à V et autres pays), moyenne en mètres cubes et en barils par jour de "
        "chaque mois, selon les déclarations faites à la Régie de l'énergie du Canada.",
    },
)

register(SOURCE)

TYPE_SOURCE = Source(
    id=TYPE_SOURCE_ID,
    title={"en": "Crude oil exports by type (monthly)", "fr": "Exportations de pétrole brut par type (mensuelles)"},
    publisher={"en": "Canada Energy Regulator", "fr": "Régie de l'énergie du Canada"},
    licence=LICENCES["ogl-canada"],
    landing_url="https://open.canada.ca/data/en/dataset/0b7bf4b3-423a-45d0-a92b-e69be0b81ce4",
    cadence="monthly",
    files=(
        RemoteFile(
            name=TYPE_FILE_NAME,
            url="https://www.cer-rec.gc.ca/open/imports-exports/" + TYPE_FILE_NAME,
            kind="csv",
            required_columns=TYPE_REQUIRED,
            encoding=ENCODING,
        ),
    ),
    tables=("cer_crude_exports_by_type",),
    load=load_by_type,
    description={
        "en": "Canada's crude oil exports by type (light, medium, heavy …), average cubic metres and "
        "barrels a day in each month, as reported to the Canada Energy Regulator.",
        "fr": "Exportations canadiennes de pétrole brut par type (léger, moyen, lourd…), moyenne en "
        "mètres cubes et en barils par jour de chaque mois, selon les déclarations faites à la Régie "
        "de l'énergie du Canada.",
    },
)

register(TYPE_SOURCE)
