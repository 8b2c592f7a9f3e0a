"""Which sources a claim still waits for: the one place that decides it.

Every observer of :mod:`canus.claims.observations` asks :func:`missing_sources` which of the
warehouse tables it reads are absent; the answer is the source ids to load. Table → source
comes from the metric catalogue (through ``Source.tables``), the same answer pages and the API
give.
"""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

from canus.metrics import catalogue, has_tables

#: Tables no declared source fills yet, with the source id that will (the claim waits for it).
PENDING_TABLES: dict[str, str] = {
    # Energy imports by partner, all forms in PJ (partner, form, year, value_pj).
    "energy_imports_canada": "energy-imports-canada",
    "energy_imports_us": "energy-imports-us",
}


def source_of(table: str) -> str:
    if table in PENDING_TABLES:
        return PENDING_TABLES[table]
    return catalogue.source_of_table(table)


def missing_tables(con: duckdb.DuckDBPyConnection | None, tables: Iterable[str]) -> list[str]:
    """The tables of ``tables`` that the warehouse lacks (all of them without a warehouse)."""
    return [t for t in tables if con is None or not has_tables(con, t)]


def missing_sources(con: duckdb.DuckDBPyConnection | None, tables: Iterable[str]) -> list[str]:
    """Source ids whose tables (of ``tables``) the warehouse lacks, in the order asked."""
    return list(dict.fromkeys(source_of(t) for t in missing_tables(con, tables)))
