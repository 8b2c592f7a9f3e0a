"""FRED series through the keyless ``fredgraph.csv`` export, as sources ``fred-<SERIES>``.

Refresh: ``canus update fred-EXPCA fred-IMPCA fred-EXCAUS fred-B230RC0A052NBEA fred-GDPCA`` downloads
``https://fred.stlouisfed.org/graph/fredgraph.csv?id=<SERIES>`` (no key needed). With
``CANUS_MIRROR`` the file is ``<mirror>/fred-<SERIES>/<SERIES>.csv``.

The export has two columns: a date and the series id. Older exports (and the copies in
``../shared/data``) call the first column ``DATE``; today's FRED writes ``observation_date``;
both are accepted. FRED writes ``.`` for a missing observation: kept as NULL, never zero.

Each series becomes its own table ``fred_<series lower case>`` with ``series_id, period,
value, unit, scale, source_id, snapshot_sha256``; ``value`` is as published (e.g. millions of
USD) and ``value_base`` is in base units (dollars), so metrics never redo the scaling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from canus.errors import LayoutError
from canus.sources import register_family
from canus.sources.base import LICENCES, LoadResult, RemoteFile, Snapshot, Source
from canus.sources.csvutil import header, ident, sql_str

PREFIX = "fred-"
BASE_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv?id={series}"
DATE_HEADERS = ("observation_date", "DATE", "Date")
DEFAULTS = ("EXPCA", "IMPCA", "EXCAUS", "B230RC0A052NBEA", "GDPCA")


@dataclass(frozen=True)
class SeriesInfo:
    title_en: str
    title_fr: str
    #: What one unit of ``value`` is: USD, CAD_per_USD …
    unit: str
    #: Power of ten that turns ``value`` into base units (6 = millions).
    scale: int
    publisher_en: str
    publisher_fr: str
    #: How often the series has a new observation (all monthly but the national-accounts ones).
    cadence: str = "monthly"


#: Series canus knows the meaning of. Other series load too, with unit "unknown".
KNOWN: dict[str, SeriesInfo] = {
    "EXPCA": SeriesInfo(
        "U.S. exports of goods by F.A.S. basis to Canada (millions of US dollars, monthly, not seasonally adjusted)",
        "Exportations américaines de biens vers le Canada, valeur F.A.B. (millions de dollars "
        "américains, mensuel, non désaisonnalisé)",
        "USD",
        6,
        "US Census Bureau, via FRED (Federal Reserve Bank of St. Louis)",
        "Census Bureau des États-Unis, par FRED (Banque fédérale de réserve de St. Louis)",
    ),
    "IMPCA": SeriesInfo(
        "U.S. imports of goods by customs basis from Canada (millions of US dollars, monthly, not seasonally adjusted)",
        "Importations américaines de biens en provenance du Canada, base douanière (millions de "
        "dollars américains, mensuel, non désaisonnalisé)",
        "USD",
        6,
        "US Census Bureau, via FRED (Federal Reserve Bank of St. Louis)",
        "Census Bureau des États-Unis, par FRED (Banque fédérale de réserve de St. Louis)",
    ),
    "EXCAUS": SeriesInfo(
        "Canadian dollars to one U.S. dollar, monthly average (Federal Reserve H.10)",
        "Dollars canadiens pour un dollar américain, moyenne mensuelle (Réserve fédérale, H.10)",
        "CAD_per_USD",
        0,
        "Board of Governors of the Federal Reserve System, via FRED",
        "Conseil des gouverneurs de la Réserve fédérale, par FRED",
    ),
    # The US denominators of the emissions intensity (environment-ghg-intensity). Population is
    # BEA's annual mid-period population (NIPA table 2.1), not the monthly POPTHM: one value a
    # year, centred on the year, from the same national accounts as GDPCA, so per person and per
    # dollar rest on one system of accounts and no month has to be picked.
    "B230RC0A052NBEA": SeriesInfo(
        "Population of the United States, mid-period (thousands, annual; BEA national accounts)",
        "Population des États-Unis, milieu de période (milliers, annuel; comptes nationaux du BEA)",
        "persons",
        3,
        "US Bureau of Economic Analysis, via FRED (Federal Reserve Bank of St. Louis)",
        "Bureau of Economic Analysis des États-Unis, par FRED (Banque fédérale de réserve de St. Louis)",
        "annual",
    ),
    "GDPCA": SeriesInfo(
        "Real gross domestic product of the United States (billions of chained 2017 US dollars, annual)",
        "Produit intérieur brut réel des États-Unis (milliards de dollars américains enchaînés de 2017, annuel)",
        "USD_chained_2017",
        9,
        "US Bureau of Economic Analysis, via FRED (Federal Reserve Bank of St. Louis)",
        "Bureau of Economic Analysis des États-Unis, par FRED (Banque fédérale de réserve de St. Louis)",
        "annual",
    ),
}

_SERIES_RE = re.compile(r"^[A-Z0-9_]{2,40}$")


def table_name(series: str) -> str:
    return "fred_" + series.lower()


def source_id(series: str) -> str:
    return PREFIX + series


def _load(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    series = source.id.removeprefix(PREFIX)
    snap = next(iter(snaps.values()))
    cols = header(snap.path)
    date_col = next((c for c in cols if c in DATE_HEADERS), None)
    if date_col is None or series not in cols:
        raise LayoutError(
            "{source}: {file}: expected a date column ({dates}) and a {series} column, found: {found}",
            source=source.id,
            file=snap.address,
            dates=" or ".join(DATE_HEADERS[:2]),
            series=series,
            found=", ".join(cols),
        )
    info = KNOWN.get(series)
    unit = info.unit if info else "unknown"
    scale = info.scale if info else 0
    # An annual observation is dated January 1 but covers the year: its as-of is the year.
    as_of_format = "%Y" if info and info.cadence == "annual" else "%Y-%m"
    con.execute(f"""
        CREATE TEMP TABLE fred_stage AS
        SELECT trim({ident(date_col)}) AS date_text,
               try_cast(trim({ident(date_col)}) AS DATE) AS period,
               trim({ident(series)}) AS value_text
        FROM read_csv({sql_str(snap.path)}, header = true, all_varchar = true)
    """)
    try:
        bad_dates, bad_values, n = con.execute("""
            SELECT count(*) FILTER (WHERE period IS NULL),
                   count(*) FILTER (WHERE value_text NOT IN ('', '.')
                                    AND try_cast(value_text AS DOUBLE) IS NULL),
                   count(*)
            FROM fred_stage
        """).fetchone()  # type: ignore[misc]
        if n == 0:
            raise LayoutError("{source}: {file}: the file has no observations", source=source.id, file=snap.address)
        if bad_dates or bad_values:
            example = con.execute("""
                SELECT date_text || ',' || value_text FROM fred_stage
                WHERE period IS NULL OR (value_text NOT IN ('', '.')
                                         AND try_cast(value_text AS DOUBLE) IS NULL)
                LIMIT 1
            """).fetchone()
            raise LayoutError(
                "{source}: {file}: {n} rows have a date or value in no known form (e.g. {example!r})",
                source=source.id,
                file=snap.address,
                n=bad_dates + bad_values,
                example=example[0] if example else "",
            )
        # "." is FRED's mark for "no observation": NULL, never zero.
        con.execute(f"""
            CREATE TABLE {table_name(series)} AS
            SELECT {sql_str(series)} AS series_id,
                   period,
                   try_cast(nullif(value_text, '.') AS DOUBLE) AS value,
                   try_cast(nullif(value_text, '.') AS DOUBLE) * {10**scale} AS value_base,
                   {sql_str(unit)} AS unit,
                   {scale} AS scale,
                   {sql_str(source.id)} AS source_id,
                   {sql_str(snap.sha256)} AS snapshot_sha256
            FROM fred_stage
            ORDER BY period
        """)
        rows, as_of, missing = con.execute(f"""
            SELECT count(*), strftime(max(period) FILTER (WHERE value IS NOT NULL), {sql_str(as_of_format)}),
                   count(*) FILTER (WHERE value IS NULL)
            FROM {table_name(series)}
        """).fetchone()  # type: ignore[misc]
    finally:
        con.execute("DROP TABLE IF EXISTS fred_stage")
    return LoadResult(rows=rows, as_of=as_of, notes={"missing_observations": str(missing), "date_header": date_col})


def make_source(sid: str) -> Source | None:
    series = sid.removeprefix(PREFIX)
    if not _SERIES_RE.match(series):
        return None
    info = KNOWN.get(series)
    title = (
        {"en": info.title_en, "fr": info.title_fr}
        if info
        else {"en": f"FRED series {series}", "fr": f"Série FRED {series}"}
    )
    publisher = (
        {"en": info.publisher_en, "fr": info.publisher_fr}
        if info
        else {"en": "Federal Reserve Bank of St. Louis (FRED)", "fr": "Banque fédérale de réserve de St. Louis (FRED)"}
    )
    return Source(
        id=sid,
        title=title,
        publisher=publisher,
        licence=LICENCES["fred-terms"],
        landing_url=f"https://fred.stlouisfed.org/series/{series}",
        cadence=info.cadence if info else "monthly",
        files=(
            RemoteFile(
                name=f"{series}.csv", url=BASE_URL.format(series=series), kind="csv", required_columns=(series,)
            ),
        ),
        tables=(table_name(series),),
        load=_load,
        description=title,
    )


register_family(PREFIX, make_source, [source_id(s) for s in DEFAULTS])
