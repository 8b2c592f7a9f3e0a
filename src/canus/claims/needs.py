"""Which sources a claim still waits for: the one place that decides it.

Every observer of :mod:`canus.claims.observations` asks :func:`missing_sources` which of the
warehouse tables it reads are absent; the answer is the source ids to load. Table → source is
declared here (:data:`TABLE_SOURCES`) so that it can later be read from the metric catalogue
instead, by changing this module only.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from canus.metrics import has_tables

#: Warehouse table → the source id whose update creates it.
TABLE_SOURCES: dict[str, str] = {
    "border_crossings": "bts-border-crossings",
    "ports": "bts-border-crossings",
    "statcan_24100053": "statcan-24100053",
    "statcan_24100053_members": "statcan-24100053",
    "statcan_24100041": "statcan-24100041",
    "statcan_24100041_members": "statcan-24100041",
    "statcan_12100011": "statcan-12100011",
    "statcan_12100173": "statcan-12100173",
    "statcan_36100007": "statcan-36100007",
    "census_trade_partners": "census-trade",
    "fred_excaus": "fred-EXCAUS",
    "fred_expca": "fred-EXPCA",
    "fred_impca": "fred-IMPCA",
    # Energy imports by partner, all forms in PJ (partner, form, year, value_pj): the energy
    # work names these sources; until then the claim waits for them by these ids.
    "energy_imports_canada": "energy-imports-canada",
    "energy_imports_us": "energy-imports-us",
}


def source_of(table: str) -> str:
    try:
        return TABLE_SOURCES[table]
    except KeyError:
        raise KeyError(f"table {table!r} has no declared source in canus.claims.needs") from None


def missing_tables(con: duckdb.DuckDBPyConnection | None, tables: Iterable[str]) -> list[str]:
    """The tables of ``tables`` that the warehouse lacks (all of them without a warehouse)."""
    return [t for t in tables if con is None or not has_tables(con, t)]


def missing_sources(con: duckdb.DuckDBPyConnection | None, tables: Iterable[str]) -> list[str]:
    """Source ids whose tables (of ``tables``) the warehouse lacks, in the order asked."""
    return list(dict.fromkeys(source_of(t) for t in missing_tables(con, tables)))
