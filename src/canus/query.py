"""Strictly read-only SQL on the warehouse, for ``canus query`` and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import duckdb

from canus.errors import QueryError, WarehouseError
from canus.settings import get_settings
from canus.warehouse import attach_readonly

MAX_ROWS = 100_000


def plain(value: Any) -> Any:
    """A query result value as JSON/CSV can carry it: dates as ISO text, decimals as floats."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def run_query(sql: str, max_rows: int = MAX_ROWS) -> tuple[list[str], list[tuple[Any, ...]]]:
    path = get_settings().warehouse_path
    if not path.exists():
        raise WarehouseError("No warehouse yet at {path}: run 'canus update' first.", path=path)
    con = attach_readonly(path, sandbox=True)
    try:
        try:
            cur = con.execute(sql)
        except duckdb.Error as e:
            raise QueryError("Query refused or failed: {problem}", problem=str(e).splitlines()[0]) from e
        if cur.description is None:
            return [], []
        header = [d[0] for d in cur.description]
        rows = cur.fetchmany(max_rows)
        return header, rows
    finally:
        con.close()
