"""US Environmental Protection Agency: the US greenhouse gas inventory, emissions by economic sector.

Refresh: ``CANUS_URL_EPA_GHG_INVENTORY=<address of the table's CSV> canus update epa-ghg-inventory``.
The EPA publishes the "Inventory of U.S. Greenhouse Gas Emissions and Sinks" each April; its
tables come as CSV files inside chapter zips whose address changes with each edition, so the
address is a setting (the default is the inventory's landing page, which is HTML: an update
without the setting fails saying so). The table read is "U.S. Greenhouse Gas Emissions
Allocated to Economic Sectors" (Table 2-10 in recent editions), in MMT CO2 Eq. (million
metric tons = megatonnes of CO2 equivalent).

Layout ([U]: written from the EPA's published table, not from a captured file): one or more
title lines, then a header row whose first cell names the rows (``Economic Sector``,
``Sector/Source``) and whose other cells are years (``1990``, ``2005`` …; the main-chapter
tables show selected years only, which canus keeps as they are, never filling gaps); percent
columns after the years are ignored; one row per sector, then ``Total`` rows (gross total,
``LULUCF Sector Net Total``, ``Net Emission (Sources and Sinks)``) and footnotes. Cells may be
``+`` (does not exceed 0.05 MMT), ``NE``, ``NO``, ``IE``: NULL with the symbol kept.
"""

from __future__ import annotations

import csv
import io
import re

import duckdb

from canus.errors import CanusError, LayoutError
from canus.sources import register
from canus.sources.base import LICENCES, LoadResult, RemoteFile, Snapshot, Source
from canus.sources.csvutil import sql_str
from canus.sources.text import decode

SOURCE_ID = "epa-ghg-inventory"
FILE_NAME = "Table 2-10.csv"
DEFAULT_URL = "https://www.epa.gov/ghgemissions/inventory-us-greenhouse-gas-emissions-and-sinks"
SYMBOLS = {"+", "NE", "NO", "IE", "NA", "-", ""}
_YEAR = re.compile(r"^(19|20)\d\d$")
_NUM = re.compile(r"^\(?-?[\d,]*\.?\d+\)?$")


def _kind(label: str) -> str:
    low = label.lower()
    if "net emission" in low or low.startswith("net "):
        return "net_total"
    if "lulucf" in low:
        return "lulucf"
    if low.startswith("total"):
        return "gross_total"
    return "sector"


def parse(text: str, where: str) -> list[tuple[int, str, str, float | None, str | None]]:
    """(year, row label, kind, value, symbol) for each sector or total row and year column."""
    rows = list(csv.reader(io.StringIO(text)))
    head_i = next((i for i, r in enumerate(rows) if sum(bool(_YEAR.match(c.strip())) for c in r[1:]) >= 3), None)
    if head_i is None:
        raise LayoutError(
            "{source}: {file}: expected columns are missing: {columns}",
            source=SOURCE_ID,
            file=where,
            columns="a header row with years (1990, 2005 …)",
        )
    head = [c.strip() for c in rows[head_i]]
    years = [(j, int(c)) for j, c in enumerate(head) if j > 0 and _YEAR.match(c)]
    out: list[tuple[int, str, str, float | None, str | None]] = []
    for r in rows[head_i + 1 :]:
        label = r[0].strip() if r else ""
        cells = [r[j].strip() if j < len(r) else "" for j, _ in years]
        if not label or not any(cells):
            if out:
                break  # the footnotes start after the first blank line below the table
            continue
        for (_, year), cell in zip(years, cells, strict=True):
            value: float | None = None
            symbol: str | None = None
            if _NUM.match(cell):
                value = float(cell.replace(",", "").replace("(", "-").replace(")", ""))
            elif cell.upper() in SYMBOLS:
                symbol = cell or None
            else:
                raise LayoutError(
                    "{source}: {file}: the cell for {label} in {year} is {cell!r}, neither a number nor a known symbol",
                    source=SOURCE_ID,
                    file=where,
                    label=label,
                    year=year,
                    cell=cell,
                )
            out.append((year, label, _kind(label), value, symbol))
    return out


def load(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    snap = snaps[FILE_NAME]
    rows = parse(decode(snap.path.read_bytes()), snap.name)

    def fail(message: str, **fields: object) -> LayoutError:
        return LayoutError(
            "{source}: {file}: {problem}", source=source.id, file=snap.name, problem=CanusError(message, **fields)
        )

    if not rows:
        raise fail("the file has no data rows")
    if not any(kind == "gross_total" for _, _, kind, _, _ in rows):
        raise fail("no Total row (gross emissions) in the table")
    con.execute(f"""
        CREATE TABLE ghg_inventory_us (year INTEGER, sector VARCHAR, kind VARCHAR, value_mt DOUBLE,
                                       status VARCHAR, source_id VARCHAR DEFAULT {sql_str(source.id)},
                                       snapshot_sha256 VARCHAR DEFAULT {sql_str(snap.sha256)})
    """)
    con.executemany("INSERT INTO ghg_inventory_us (year, sector, kind, value_mt, status) VALUES (?, ?, ?, ?, ?)", rows)
    off = con.execute("""
        WITH s AS (SELECT year, sum(value_mt) AS parts FROM ghg_inventory_us WHERE kind = 'sector' GROUP BY year),
             t AS (SELECT year, min(value_mt) AS total FROM ghg_inventory_us WHERE kind = 'gross_total' GROUP BY year)
        SELECT count(*), any_value(year || ': ' || parts || ' vs ' || total)
        FROM t JOIN s USING (year) WHERE abs(parts - total) > greatest(1, 0.002 * total)
    """).fetchone()
    if off and off[0]:
        con.execute("DROP TABLE ghg_inventory_us")
        raise fail("{n} totals differ from the sum of their sectors (e.g. {example} MMT)", n=off[0], example=off[1])
    n, as_of = con.execute("SELECT count(*), max(year)::VARCHAR FROM ghg_inventory_us").fetchone()  # type: ignore[misc]
    return LoadResult(rows=n, as_of=as_of)


SOURCE = Source(
    id=SOURCE_ID,
    title={
        "en": "Inventory of US greenhouse gas emissions, by economic sector",
        "fr": "Inventaire des émissions de gaz à effet de serre des États-Unis, par secteur économique",
    },
    publisher={"en": "US Environmental Protection Agency", "fr": "Environmental Protection Agency des États-Unis"},
    licence=LICENCES["us-public-domain"],
    landing_url=DEFAULT_URL,
    cadence="yearly",
    files=(RemoteFile(name=FILE_NAME, url=DEFAULT_URL, kind="csv"),),
    tables=("ghg_inventory_us",),
    load=load,
    description={
        "en": "US greenhouse gas emissions allocated to economic sectors, in million metric tons "
        "of CO2 equivalent, from the EPA's Inventory of U.S. Greenhouse Gas Emissions and Sinks.",
        "fr": "Émissions de gaz à effet de serre des États-Unis réparties par secteur économique, "
        "en millions de tonnes d'équivalent CO2, selon l'inventaire de l'EPA (Inventory of U.S. "
        "Greenhouse Gas Emissions and Sinks).",
    },
)

register(SOURCE)
