"""Great Lakes coordinated monthly mean lake-wide water levels, in metres (IGLD 1985).

Refresh: ``canus update great-lakes-water-levels`` downloads
``https://lre-wm.usace.army.mil/ForecastData/WaterLevelData/GLHYD_data_metric.csv`` (about
50 KB). The US Army Corps of Engineers, Detroit District, publishes it with NOAA GLERL; the
figures are coordinated with Canada (Canadian Hydrographic Service) through the
Coordinating Committee on Great Lakes Basic Hydraulic and Hydrologic Data.

What it counts: the monthly mean level of each lake, averaged over a network of gauges on
both shores, in metres above the International Great Lakes Datum 1985. Michigan and Huron
are one lake hydraulically and share one series.

Layout: a block of comment lines starting with ``#`` (some quoted and padded with commas;
twelve in the copies seen, but the count is not relied on), then
``month,year,Superior,Michigan-Huron,St. Clair,Erie,Ontario`` with months as ``jan`` …
``dec``. The same file in feet (``…_english.csv``) would pass a column check, so levels
outside a plausible range in metres are refused.
"""

from __future__ import annotations

import csv
import gzip
import io
import tempfile
from pathlib import Path

import duckdb

from canus.errors import CanusError, LayoutError
from canus.sources import register
from canus.sources.base import LICENCES, LoadResult, RemoteFile, Snapshot, Source
from canus.sources.csvutil import ident, sql_str

SOURCE_ID = "great-lakes-water-levels"
FILE_NAME = "GLHYD_data_metric.csv"
DEFAULT_URL = "https://lre-wm.usace.army.mil/ForecastData/WaterLevelData/" + FILE_NAME
LAKES = ("Superior", "Michigan-Huron", "St. Clair", "Erie", "Ontario")
REQUIRED = ("month", "year", *LAKES)
#: Lowest and highest plausible lake-wide levels in metres (Ontario ~74 m, Superior ~183 m).
PLAUSIBLE_M = (70.0, 190.0)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _lines(path: Path) -> list[str]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as raw:
        return raw.read().decode("utf-8-sig", errors="replace").splitlines()


def header_line(path: Path) -> tuple[int, list[str]]:
    """(number of lines before the header, header names); comment lines may vary in count."""
    for i, line in enumerate(_lines(path)):
        stripped = line.lstrip('"').lstrip()
        if not stripped or stripped.startswith("#") or not stripped.strip(", "):
            continue
        names = next(csv.reader(io.StringIO(line)), [])
        return i, [n.strip() for n in names]
    raise ValueError("no header row after the comment lines")


def check(path: Path) -> None:
    """Run at download: the header must be there with every lake."""
    _, names = header_line(path)
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ValueError(
            "expected columns are missing: " + ", ".join(missing) + " (found: " + ", ".join(names[:10]) + ")"
        )


def _stage(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    months = "[" + ", ".join(sql_str(m) for m in _MONTHS) + "]"
    lake_list = ", ".join(ident(lake) for lake in LAKES)
    con.execute(f"""
        CREATE TEMP TABLE glhyd_stage AS
        WITH wide AS (
            SELECT * FROM read_csv({sql_str(path)}, header = true, all_varchar = true,
                                   null_padding = true)
            WHERE trim(coalesce("month", '')) <> ''
        ), long AS (
            UNPIVOT wide ON {lake_list} INTO NAME lake VALUE level_text
        )
        SELECT lake, trim("month") AS month_text, trim("year") AS year_text,
               coalesce(
                   list_position({months}, lower(left(trim("month"), 3))),
                   try_cast(trim("month") AS INTEGER)) AS month_no,
               try_cast(trim("year") AS INTEGER) AS year_no,
               trim(level_text) AS level_text,
               try_cast(trim(level_text) AS DOUBLE) AS level_m
        FROM long
    """)


def load(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    snap = snaps[FILE_NAME]
    try:
        skip, names = header_line(snap.path)
    except ValueError as e:
        raise LayoutError("{source}: {file}: {problem}", source=source.id, file=snap.name, problem=str(e)) from e
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise LayoutError(
            "{source}: {file}: expected columns are missing: {columns}",
            source=source.id,
            file=snap.name,
            columns=", ".join(missing),
        )
    # DuckDB's dialect sniffer trips over the quoted, comma-padded comment block (with CRLF
    # line ends in particular), so the table part alone goes to DuckDB, as plain LF text.
    with tempfile.TemporaryDirectory(prefix="canus-glhyd-") as tmp:
        table_text = Path(tmp) / "table.csv"
        table_text.write_text("\n".join(_lines(snap.path)[skip:]) + "\n", encoding="utf-8")
        _stage(con, table_text)
    try:

        def fail(message: str, **fields: object) -> LayoutError:
            return LayoutError(
                "{source}: {file}: {problem}", source=source.id, file=snap.name, problem=CanusError(message, **fields)
            )

        n = con.execute("SELECT count(*) FROM glhyd_stage").fetchone()[0]  # type: ignore[index]
        if n == 0:
            raise fail("the file has no data rows")
        bad = con.execute("""
            SELECT count(*), any_value(month_text || ' ' || year_text) FROM glhyd_stage
            WHERE month_no NOT BETWEEN 1 AND 12 OR month_no IS NULL OR year_no IS NULL
        """).fetchone()
        if bad and bad[0]:
            raise fail("{n} rows have a month or year in no known form (e.g. {example!r})", n=bad[0], example=bad[1])
        bad = con.execute("""
            SELECT count(*), any_value(lake || ': ' || level_text) FROM glhyd_stage
            WHERE level_m IS NULL AND coalesce(level_text, '') <> ''
        """).fetchone()
        if bad and bad[0]:
            raise fail("{n} levels are not numbers (e.g. {example!r})", n=bad[0], example=bad[1])
        low, high = PLAUSIBLE_M
        bad = con.execute(f"""
            SELECT count(*), any_value(lake || ': ' || level_text) FROM glhyd_stage
            WHERE level_m NOT BETWEEN {low} AND {high}
        """).fetchone()
        if bad and bad[0]:
            raise fail(
                "{n} levels are outside {low}–{high} m (e.g. {example!r}); is this the file in feet?",
                n=bad[0],
                low=low,
                high=high,
                example=bad[1],
            )
        # A blank cell is a month not yet measured, not a level of zero: it is left out.
        con.execute(f"""
            CREATE TABLE great_lakes_levels AS
            SELECT lake, make_date(year_no, month_no, 1) AS period, level_m,
                   'IGLD 1985' AS datum,
                   {sql_str(source.id)} AS source_id,
                   {sql_str(snap.sha256)} AS snapshot_sha256
            FROM glhyd_stage
            WHERE level_m IS NOT NULL
            ORDER BY lake, period
        """)
        dupes = con.execute("""
            SELECT count(*) FROM (SELECT lake, period FROM great_lakes_levels
                                  GROUP BY ALL HAVING count(*) > 1)
        """).fetchone()[0]  # type: ignore[index]
        if dupes:
            raise fail("{n} lake-months appear more than once", n=dupes)
        rows, as_of = con.execute("SELECT count(*), strftime(max(period), '%Y-%m') FROM great_lakes_levels").fetchone()  # type: ignore[misc]
    finally:
        con.execute("DROP TABLE IF EXISTS glhyd_stage")
    return LoadResult(rows=rows, as_of=as_of, notes={"header_line": str(skip + 1)})


SOURCE = Source(
    id=SOURCE_ID,
    title={
        "en": "Great Lakes coordinated monthly mean lake-wide water levels",
        "fr": "Niveaux d'eau moyens mensuels coordonnés des Grands Lacs",
    },
    publisher={
        "en": "US Army Corps of Engineers, Detroit District, and NOAA GLERL, coordinated with "
        "the Canadian Hydrographic Service",
        "fr": "Corps des ingénieurs de l'armée des États-Unis (district de Detroit) et NOAA GLERL, "
        "données coordonnées avec le Service hydrographique du Canada",
    },
    licence=LICENCES["us-public-domain"],
    landing_url="https://www.lre.usace.army.mil/Missions/Great-Lakes-Information/"
    "Great-Lakes-Information-2/Water-Level-Data/",
    cadence="monthly",
    files=(RemoteFile(name=FILE_NAME, url=DEFAULT_URL, kind="csv", check=check),),
    tables=("great_lakes_levels",),
    load=load,
    description={
        "en": "Monthly mean level of each Great Lake, averaged over gauges on the Canadian and US "
        "shores, in metres above the International Great Lakes Datum (1985).",
        "fr": "Niveau moyen mensuel de chacun des Grands Lacs, moyenne des marégraphes des rives "
        "canadienne et américaine, en mètres au-dessus du Système de référence international des "
        "Grands Lacs (1985).",
    },
)

register(SOURCE)
