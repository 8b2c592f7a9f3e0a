"""Canada Energy Regulator: electricity exports to and imports from the United States, monthly.

Refresh: ``canus update cer-electricity-trade`` downloads
``https://www.cer-rec.gc.ca/open/imports-exports/electricity-exports-and-imports-monthly.csv``
(open.canada.ca dataset ``5c358f51-bc8c-4565-854d-9d2e35e6b178``, about 3 MB). CER updates
it monthly, a few months behind.

What it counts: energy (MW.h) and value (Canadian dollars) of electricity crossing the
border, by month, Canadian province and US state (or US market region such as
``New England-ISO``). For exports ``Source`` is the province and ``Destination`` the state;
for imports it is the other way round.

Layout as published, and its pitfalls:
- Windows-1252 / Latin-1 (``Québec`` is byte ``E9``), not UTF-8;
- ``Period`` written ``01/01/1990`` (month/day/year, always the first of the month);
- ``Total`` rows in ``Source`` or ``Destination`` (per province, per state, and both for the
  grand total): left out of the tidy table, but used to check that the detail rows add up;
- ``Price`` is the literal ``Confidential`` for some rows (kept as NULL, flagged);
- a few rows have a blank ``Destination`` (state not disclosed), and a few negative
  adjustments; both are kept as published.
"""

from __future__ import annotations

import contextlib
import gzip
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb

from canus.errors import CanusError, LayoutError
from canus.sources import register
from canus.sources.base import LICENCES, LoadResult, RemoteFile, Snapshot, Source
from canus.sources.csvutil import header, sql_str

SOURCE_ID = "cer-electricity-trade"
FILE_NAME = "electricity-exports-and-imports-monthly.csv"
DEFAULT_URL = "https://www.cer-rec.gc.ca/open/imports-exports/" + FILE_NAME
ENERGY, VALUE, PRICE = "Energy (MW.h)", "Total Value (CAN$)", "Price (CAN$/MW.h)"
REQUIRED = ("Period", "Activity", "Source", "Destination", ENERGY, VALUE, PRICE)
ENCODING = "cp1252"
#: The published totals must match the sum of the detail rows to within rounding.
TOLERANCE_MWH = 1.0
TOLERANCE_CAD = 100.0

_DATE_SQL = """coalesce(
    try_strptime(trim("Period"), '%m/%d/%Y'),
    try_strptime(trim("Period"), '%Y-%m-%d'),
    try_strptime(trim("Period"), '%Y-%m')
)::DATE"""


@contextlib.contextmanager
def utf8_copy(path: Path) -> Iterator[Path]:
    """A UTF-8 copy of a Windows-1252 / Latin-1 file, for as long as the block runs.

    Government of Canada files are often Windows-1252, which is Latin-1 plus curly quotes
    in bytes 0x80–0x9F (``d’azote``); DuckDB's Latin-1 reader refuses those bytes, so the
    text is decoded here, the way the publisher wrote it.
    """
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    with tempfile.TemporaryDirectory(prefix="canus-utf8-") as tmp:
        out = Path(tmp) / (path.name.removesuffix(".gz"))
        out.write_text(text.lstrip("\ufeff"), encoding="utf-8")
        yield out


def _num(col: str) -> str:
    # DECIMAL keeps sums exact, so the check against the published totals is not blurred by
    # floating-point error on 40,000 rows.
    return f'try_cast(replace(trim("{col}"), \',\', \'\') AS DECIMAL(20, 4))'


def _stage(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    con.execute(f"""
        CREATE TEMP TABLE cer_stage AS
        SELECT trim("Period") AS period_text,
               {_DATE_SQL} AS period,
               lower(trim("Activity")) AS activity_text,
               nullif(trim("Source"), '') AS src,
               nullif(trim("Destination"), '') AS dst,
               trim("{ENERGY}") AS energy_text,
               {_num(ENERGY)} AS energy_mwh,
               trim("{VALUE}") AS value_text,
               {_num(VALUE)} AS value_cad,
               trim("{PRICE}") AS price_text,
               try_cast(trim("{PRICE}") AS DOUBLE) AS price
        FROM read_csv({sql_str(path)}, header = true, all_varchar = true)
    """)


def load(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    snap = snaps[FILE_NAME]
    cols = set(header(snap.path, encoding=ENCODING))
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise LayoutError(
            "{source}: {file}: expected columns are missing: {columns}",
            source=source.id, file=snap.name, columns=", ".join(missing),
        )
    with utf8_copy(snap.path) as text_path:
        _stage(con, text_path)
    try:
        _validate(con, source, snap)
        con.execute(f"""
            CREATE TABLE electricity_trade AS
            SELECT period,
                   CASE activity_text WHEN 'exports' THEN 'export' ELSE 'import' END AS activity,
                   CASE activity_text WHEN 'exports' THEN src ELSE dst END AS province,
                   CASE activity_text WHEN 'exports' THEN dst ELSE src END AS us_state,
                   energy_mwh::DOUBLE AS energy_mwh,
                   value_cad::DOUBLE AS value_cad,
                   price AS price_cad_per_mwh,
                   price IS NULL AND lower(price_text) = 'confidential' AS price_confidential,
                   {sql_str(source.id)} AS source_id,
                   {sql_str(snap.sha256)} AS snapshot_sha256
            FROM cer_stage
            WHERE coalesce(src, '') <> 'Total' AND coalesce(dst, '') <> 'Total'
            ORDER BY period, activity, province, us_state
        """)
        rows, as_of = con.execute(
            "SELECT count(*), strftime(max(period), '%Y-%m') FROM electricity_trade"
        ).fetchone()  # type: ignore[misc]
        published, confidential = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE lower(price_text) = 'confidential') "
            "FROM cer_stage"
        ).fetchone()  # type: ignore[misc]
    finally:
        con.execute("DROP TABLE IF EXISTS cer_stage")
    return LoadResult(
        rows=rows,
        as_of=as_of,
        notes={
            "rows_published": str(published),
            "total_rows_left_out": str(published - rows),
            "confidential_prices": str(confidential),
        },
    )


def _validate(con: duckdb.DuckDBPyConnection, source: Source, snap: Snapshot) -> None:
    def fail(message: str, **fields: object) -> LayoutError:
        return LayoutError("{source}: {file}: {problem}", source=source.id, file=snap.name,
                           problem=CanusError(message, **fields))

    n = con.execute("SELECT count(*) FROM cer_stage").fetchone()[0]  # type: ignore[index]
    if n == 0:
        raise fail("the file has no data rows")
    bad = con.execute(
        "SELECT count(*), any_value(period_text) FROM cer_stage WHERE period IS NULL"
    ).fetchone()
    if bad and bad[0]:
        raise fail("{n} rows have a Period in no known form (e.g. {example!r})",
                   n=bad[0], example=bad[1])
    bad = con.execute("""
        SELECT count(*), any_value(activity_text) FROM cer_stage
        WHERE activity_text NOT IN ('exports', 'imports')
    """).fetchone()
    if bad and bad[0]:
        raise fail("{n} rows have an Activity other than Exports or Imports (e.g. {example!r})",
                   n=bad[0], example=bad[1])
    bad = con.execute("""
        SELECT count(*), any_value(coalesce(energy_text, '') || ' / ' || coalesce(value_text, ''))
        FROM cer_stage WHERE energy_mwh IS NULL OR value_cad IS NULL
    """).fetchone()
    if bad and bad[0]:
        raise fail("{n} rows have an energy or value that is not a number (e.g. {example!r})",
                   n=bad[0], example=bad[1])
    # The grand total of each month and direction must equal the sum of its detail rows:
    # this catches a file cut short, a changed meaning of "Total" or a shifted column.
    off = con.execute(f"""
        WITH detail AS (
            SELECT period, activity_text, sum(energy_mwh) AS e, sum(value_cad) AS v
            FROM cer_stage
            WHERE coalesce(src, '') <> 'Total' AND coalesce(dst, '') <> 'Total'
            GROUP BY ALL
        ), total AS (
            SELECT period, activity_text, sum(energy_mwh) AS e, sum(value_cad) AS v
            FROM cer_stage WHERE src = 'Total' AND dst = 'Total'
            GROUP BY ALL
        )
        SELECT count(*), any_value(strftime(t.period, '%Y-%m') || ' ' || t.activity_text),
               any_value(d.e::VARCHAR || ' vs ' || t.e::VARCHAR)
        FROM total t LEFT JOIN detail d USING (period, activity_text)
        WHERE d.e IS NULL OR abs(d.e - t.e) > {TOLERANCE_MWH} OR abs(d.v - t.v) > {TOLERANCE_CAD}
    """).fetchone()
    if off and off[0]:
        raise fail(
            "{n} monthly totals do not match the sum of their rows (e.g. {example}: {detail} MW.h)",
            n=off[0], example=off[1], detail=off[2],
        )


SOURCE = Source(
    id=SOURCE_ID,
    title={
        "en": "Electricity exports and imports (monthly)",
        "fr": "Exportations et importations d'électricité (mensuelles)",
    },
    publisher={"en": "Canada Energy Regulator", "fr": "Régie de l'énergie du Canada"},
    licence=LICENCES["ogl-canada"],
    landing_url="https://open.canada.ca/data/en/dataset/5c358f51-bc8c-4565-854d-9d2e35e6b178",
    cadence="monthly",
    files=(RemoteFile(name=FILE_NAME, url=DEFAULT_URL, kind="csv", required_columns=REQUIRED,
                      encoding=ENCODING),),
    tables=("electricity_trade",),
    load=load,
    description={
        "en": "Electricity that Canada sells to and buys from the United States, in megawatt "
        "hours and Canadian dollars, by month, province and US state or market, as reported "
        "to the Canada Energy Regulator.",
        "fr": "Électricité que le Canada vend aux États-Unis et leur achète, en mégawattheures et "
        "en dollars canadiens, par mois, province et État ou marché américain, selon les "
        "déclarations faites à la Régie de l'énergie du Canada.",
    },
)

register(SOURCE)
