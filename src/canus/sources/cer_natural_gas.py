"""Canada Energy Regulator: natural gas exports and imports, monthly, by port and US region.

Refresh: ``canus update cer-natural-gas-trade`` downloads
``https://www.cer-rec.gc.ca/open/imports-exports/natural-gas-exports-and-imports-monthly.csv``
(``CANUS_URL_CER_NATURAL_GAS_TRADE`` moves it). CER updates it monthly.

What it counts: natural gas Canada exports to and imports from the United States (and, by LNG,
other countries) by month, port of exit or entry and US region: volume in thousand cubic
metres and in thousand cubic feet (Mcf), value in Canadian and US dollars.

Layout ([V3]: an independent reader's column list): ``Period, Year, Month, Flow, Port, Region,
Volume (10^3 m3), Volume (MCF), Value (CN$), Value (US$), Price (CN$/GJ), Price (US$/MMBTU)``.
The cubic-metre column's header is written in more than one way by readers of the file
(``10^3 m3``, ``10³m³``, ``Thousand m3``): each known spelling is accepted, one is required.
``Total`` rows (Port or Region) are left out; ``Confidential`` values are NULL and flagged.
Rows whose port names an LNG terminal are marked ``mode = 'lng'``; the rest are pipeline
(or truck, which the file does not separate: a stated limit).
"""

from __future__ import annotations

import duckdb

from canus.sources import cer_open_data as cer
from canus.sources import register
from canus.sources.base import LICENCES, LoadResult, RemoteFile, Snapshot, Source
from canus.sources.cer_open_data import ENCODING
from canus.sources.csvutil import ident, sql_str

SOURCE_ID = "cer-natural-gas-trade"
FILE_NAME = "natural-gas-exports-and-imports-monthly.csv"
DEFAULT_URL = "https://www.cer-rec.gc.ca/open/imports-exports/" + FILE_NAME
REQUIRED = ("Period", "Flow", "Port", "Region", "Volume (MCF)", "Value (CN$)")
M3_NAMES = (
    "Volume (10^3 m3)",
    "Volume (10^3m3)",
    "Volume (10³m³)",
    "Volume (10³ m³)",
    "Volume (Thousand m3)",
    "Volume (thousand m3)",
)


def load(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    snap = snaps[FILE_NAME]
    cols = cer.columns(snap)
    missing = [c for c in REQUIRED if c not in cols]
    m3 = next((c for c in M3_NAMES if c in cols), None)
    if m3 is None:
        missing.append(M3_NAMES[0])
    cer.require_columns(snap, source, missing)
    usd = "Value (US$)" if "Value (US$)" in cols else None
    select = f"""lower(trim("Flow")) AS flow_text,
                   nullif(trim("Port"), '') AS port, nullif(trim("Region"), '') AS region,
                   trim({ident(m3 or "")}) AS m3_text, {cer.num_sql(m3 or "")} AS volume_thousand_m3,
                   trim("Volume (MCF)") AS mcf_text, {cer.num_sql("Volume (MCF)")} AS volume_mcf,
                   trim("Value (CN$)") AS cad_text, {cer.num_sql("Value (CN$)")} AS value_cad,
                   {cer.num_sql(usd) if usd else "NULL::DOUBLE"} AS value_usd"""
    with cer.staged(con, snap, "gas_stage", select):
        _validate(con, source, snap)
        con.execute(f"""
            CREATE TABLE cer_gas_trade AS
            SELECT period,
                   CASE WHEN starts_with(flow_text, 'export') THEN 'export' ELSE 'import' END AS flow,
                   port, region,
                   CASE WHEN regexp_matches(upper(coalesce(port, '') || ' ' || coalesce(region, '')), '\\bLNG\\b')
                        THEN 'lng' ELSE 'pipeline' END AS mode,
                   volume_thousand_m3, volume_mcf, value_cad, value_usd,
                   (volume_thousand_m3 IS NULL AND lower(m3_text) = 'confidential')
                     OR (value_cad IS NULL AND lower(cad_text) = 'confidential') AS confidential,
                   {sql_str(source.id)} AS source_id, {sql_str(snap.sha256)} AS snapshot_sha256
            FROM gas_stage
            WHERE lower(coalesce(port, '')) <> 'total' AND lower(coalesce(region, '')) <> 'total'
            ORDER BY period, flow, port, region
        """)
        rows, as_of = con.execute("SELECT count(*), strftime(max(period), '%Y-%m') FROM cer_gas_trade").fetchone()  # type: ignore[misc]
    return LoadResult(rows=rows, as_of=as_of, notes={"volume_m3_column": m3 or ""})


def _validate(con: duckdb.DuckDBPyConnection, source: Source, snap: Snapshot) -> None:
    fail = cer.layout_failure(source, snap)
    cer.check_periods(con, "gas_stage", fail)
    bad = con.execute("""
        SELECT count(*), any_value(flow_text) FROM gas_stage
        WHERE NOT (starts_with(flow_text, 'export') OR starts_with(flow_text, 'import'))
    """).fetchone()
    if bad and bad[0]:
        raise fail("{n} rows have a Flow other than Exports or Imports (e.g. {example!r})", n=bad[0], example=bad[1])
    n, example = cer.unreadable_numbers(
        con, "gas_stage", [("volume_thousand_m3", "m3_text"), ("volume_mcf", "mcf_text"), ("value_cad", "cad_text")]
    )
    if n:
        raise fail(
            "{n} rows have a volume or value that is neither a number nor Confidential (e.g. {example!r})",
            n=n,
            example=example,
        )


SOURCE = Source(
    id=SOURCE_ID,
    title={
        "en": "Natural gas exports and imports (monthly)",
        "fr": "Exportations et importations de gaz naturel (mensuelles)",
    },
    publisher={"en": "Canada Energy Regulator", "fr": "Régie de l'énergie du Canada"},
    licence=LICENCES["ogl-canada"],
    landing_url="https://www.cer-rec.gc.ca/en/data-analysis/energy-commodities/natural-gas/",
    cadence="monthly",
    files=(RemoteFile(name=FILE_NAME, url=DEFAULT_URL, kind="csv", required_columns=REQUIRED, encoding=ENCODING),),
    tables=("cer_gas_trade",),
    load=load,
    description={
        "en": "Natural gas that Canada exports to and imports from the United States (and LNG "
        "from other countries), by month, port and US region: thousand cubic metres, thousand "
        "cubic feet and value, as reported to the Canada Energy Regulator.",
        "fr": "Gaz naturel que le Canada exporte vers les États-Unis et en importe (et GNL "
        "d'autres pays), par mois, point de passage et région américaine\u00a0: milliers de mètres "
        "cubes, milliers de pieds cubes et valeur, selon les déclarations faites à la Régie de "
        "l'énergie du Canada.",
    },
)

register(SOURCE)
