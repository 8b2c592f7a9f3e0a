"""US DOT BTS "Border Crossing Entry Data" (Socrata dataset keg4-3bc2): inbound crossings at US ports.

Refresh: ``canus update bts-border-crossings`` downloads the full CSV export
(``rows.csv?accessType=DOWNLOAD``, about 45 MB). BTS republishes CBP counts monthly;
the latest month is often incomplete when first posted.

What it counts: persons, vehicles and containers **entering the US** at land ports,
by port and month. Nothing about exits, and nothing about air travel.

Layout history handled here:
- ``Date`` as ``Jan 2024`` (today's export), ``Jan-24`` (some copies), or
  ``03/01/2019 12:00:00 AM`` (exports before 2020);
- measures ``… Containers Full`` (before 2020) are today's ``… Containers Loaded``;
- 2019 exports had ``Location`` (WKT point) instead of ``Latitude``/``Longitude``;
- port codes appear as ``209`` or ``0209``: kept as 4-character strings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from canus.errors import LayoutError
from canus.sources import register
from canus.sources.base import LICENCES, LoadResult, RemoteFile, Snapshot, Source
from canus.sources.csvutil import header, sql_str

if TYPE_CHECKING:
    import duckdb

SOURCE_ID = "bts-border-crossings"
FILE_NAME = "Border_Crossing_Entry_Data.csv"
DEFAULT_URL = "https://data.bts.gov/api/views/keg4-3bc2/rows.csv?accessType=DOWNLOAD"
REQUIRED = ("Port Name", "State", "Port Code", "Border", "Date", "Measure", "Value")

#: Measure names of any vintage → the one vocabulary canus uses.
MEASURE_ALIASES = {
    "Truck Containers Full": "Truck Containers Loaded",
    "Rail Containers Full": "Rail Containers Loaded",
}
PEOPLE_MEASURES = ("Personal Vehicle Passengers", "Bus Passengers", "Train Passengers", "Pedestrians")
VEHICLE_MEASURES = ("Personal Vehicles", "Buses", "Trucks", "Trains")

# One parse per row, chosen by the shape of the text, rather than trying every format in turn.
_DATE_SQL = """(CASE
    WHEN "Date" LIKE '%/%' THEN try_strptime(trim("Date"), '%m/%d/%Y %I:%M:%S %p')
    WHEN "Date" LIKE '%T%:%' THEN try_strptime(trim("Date"), '%Y-%m-%dT%H:%M:%S.%g')
    WHEN "Date" LIKE '___-__' THEN try_strptime(trim("Date"), '%b-%y')
    ELSE try_strptime(trim("Date"), '%b %Y')
END)::DATE"""


def load(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    import duckdb

    snap = snaps[FILE_NAME]
    cols = set(header(snap.path))
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise LayoutError(
            "{source}: {file}: expected columns are missing: {columns}",
            source=source.id,
            file=snap.address,
            columns=", ".join(missing),
        )
    # Codes and dates stay text (leading zeros, three date forms); counts are whole numbers.
    types = {
        "Port Code": "VARCHAR",
        "Port Name": "VARCHAR",
        "State": "VARCHAR",
        "Date": "VARCHAR",
        "Measure": "VARCHAR",
        "Border": "VARCHAR",
        "Value": "BIGINT",
    }
    if {"Latitude", "Longitude"} <= cols:
        types.update(Latitude="DOUBLE", Longitude="DOUBLE")
        lat, lon = '"Latitude"', '"Longitude"'
    elif "Location" in cols:
        # WKT "POINT (lon lat)"
        point = """regexp_extract("Location", 'POINT \\(([-0-9.]+) ([-0-9.]+)\\)', ['lon', 'lat'])"""
        lat, lon = f"try_cast({point}.lat AS DOUBLE)", f"try_cast({point}.lon AS DOUBLE)"
    else:
        lat = lon = "NULL::DOUBLE"
    measure = 'trim("Measure")'
    for old, new in MEASURE_ALIASES.items():
        measure = f"replace({measure}, {sql_str(old)}, {sql_str(new)})"
    type_sql = "{" + ", ".join(f"{sql_str(k)}: {sql_str(v)}" for k, v in types.items()) + "}"
    try:
        # One pass: read, tidy and group. Exact duplicate rows exist in the publisher's file
        # (e.g. Detroit, June 2019); counting them twice would double that month, so they are
        # grouped into one row and their number reported. Coordinates and the date as written
        # ride along for the ports table and error messages, then are dropped.
        con.execute(f"""
            CREATE TABLE border_crossings AS
            SELECT port_code, port_name, state, period, measure, value,
                   'into_us' AS direction,
                   {sql_str(source.id)} AS source_id,
                   {sql_str(snap.sha256)} AS snapshot_sha256,
                   any_value(latitude) AS latitude, any_value(longitude) AS longitude,
                   any_value(date_text) AS date_text, count(*) AS copies
            FROM (
                SELECT
                    lpad(trim("Port Code"), 4, '0') AS port_code,
                    trim("Port Name") AS port_name,
                    nullif(trim("State"), '') AS state,
                    "Date" AS date_text,
                    {_DATE_SQL} AS period,
                    {measure} AS measure,
                    "Value" AS value,
                    {lat} AS latitude,
                    {lon} AS longitude
                FROM read_csv({sql_str(snap.path)}, header = true, types = {type_sql})
                WHERE trim("Border") = 'US-Canada Border'
            )
            GROUP BY port_code, port_name, state, period, measure, value
        """)
    except duckdb.ConversionException as e:
        raise LayoutError(
            "{source}: {file}: a value is not of the expected type: {problem}",
            source=source.id,
            file=snap.address,
            problem=" ".join(str(e).split())[:400],
        ) from e
    published, rows, bad_dates, as_of = con.execute("""
        SELECT coalesce(sum(copies), 0), count(*), count(*) FILTER (WHERE period IS NULL),
               strftime(max(period), '%Y-%m')
        FROM border_crossings
    """).fetchone()  # type: ignore[misc]
    if published == 0:
        raise LayoutError(
            "{source}: {file}: no rows for the US-Canada border",
            source=source.id,
            file=snap.address,
        )
    if bad_dates:
        sample = con.execute("SELECT date_text FROM border_crossings WHERE period IS NULL LIMIT 1").fetchone()
        raise LayoutError(
            "{source}: {file}: {n} rows have a date in no known form (e.g. {example!r})",
            source=source.id,
            file=snap.address,
            n=bad_dates,
            example=sample[0] if sample else "",
        )
    con.execute(f"""
        CREATE TABLE ports AS
        SELECT port_code,
               arg_max(port_name, period) AS port_name,
               arg_max(state, period) FILTER (WHERE state IS NOT NULL) AS state,
               arg_max(latitude, period) FILTER (WHERE latitude IS NOT NULL) AS latitude,
               arg_max(longitude, period) FILTER (WHERE longitude IS NOT NULL) AS longitude,
               min(period) AS first_period,
               max(period) AS last_period,
               'US-Canada' AS border,
               {sql_str(source.id)} AS source_id,
               {sql_str(snap.sha256)} AS snapshot_sha256
        FROM border_crossings
        GROUP BY port_code
        ORDER BY port_code
    """)
    for column in ("latitude", "longitude", "date_text", "copies"):
        con.execute(f"ALTER TABLE border_crossings DROP COLUMN {column}")
    return LoadResult(
        rows=rows,
        as_of=as_of,
        notes={"rows_published": str(published), "duplicates_dropped": str(published - rows)},
    )


SOURCE = Source(
    id=SOURCE_ID,
    title={
        "en": "Border Crossing Entry Data",
        "fr": "Données sur les entrées aux postes frontaliers (Border Crossing Entry Data)",
    },
    publisher={
        "en": "US Department of Transportation, Bureau of Transportation Statistics (data from CBP)",
        "fr": "Département des Transports des États-Unis, Bureau of Transportation Statistics (données du CBP)",
    },
    licence=LICENCES["us-public-domain"],
    landing_url="https://data.bts.gov/Research-and-Statistics/Border-Crossing-Entry-Data/keg4-3bc2",
    cadence="monthly",
    # DuckDB reads the whole stream on load and stops at a truncated gzip, so the slower
    # whole-stream check of the fetch layer is not run twice.
    files=(RemoteFile(name=FILE_NAME, url=DEFAULT_URL, kind="csv", required_columns=REQUIRED, verify_whole=False),),
    tables=("border_crossings", "ports"),
    load=load,
    description={
        "en": "Persons, vehicles and containers entering the United States at land ports on the "
        "US–Canada border, by port and month. Exits into Canada and air travel are not counted.",
        "fr": "Personnes, véhicules et conteneurs entrant aux États-Unis par les postes terrestres "
        "de la frontière canado-américaine, par poste et par mois. Les sorties vers le Canada et "
        "les voyages aériens ne sont pas comptés.",
    },
)

register(SOURCE)
