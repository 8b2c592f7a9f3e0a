"""What each new vintage changed: rows added, removed and revised, by the table's declared key.

The comparison is one FULL OUTER JOIN in DuckDB between the published table and the new one
(keys matched with ``IS NOT DISTINCT FROM``, so an empty key part still matches itself). Every
changed key is kept in ``revision_keys`` with its old and new values, so "what did the June
vintage revise?" is a query, not a memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from canus.table_specs import TableSpec

if TYPE_CHECKING:
    import duckdb

REVISIONS_DDL = """
CREATE TABLE IF NOT EXISTS revisions (
    source_id VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    previous_sha256 VARCHAR,  -- NULL: the first version of the source, nothing to compare with
    loaded_at TIMESTAMP NOT NULL,  -- UTC
    table_name VARCHAR NOT NULL,
    added BIGINT,
    removed BIGINT,
    revised BIGINT,
    -- why the counts are NULL (a key that is not unique, a key column that a vintage lacks)
    note VARCHAR
);
CREATE TABLE IF NOT EXISTS revision_keys (
    source_id VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    change VARCHAR NOT NULL,  -- added | removed | revised
    key JSON NOT NULL,
    old JSON,
    new JSON
);
"""


#: Changed keys kept per table and version; a rebased table can revise every row, and the
#: counts (always exact) say so without copying millions of keys into the warehouse.
MAX_KEYS = 500_000


@dataclass(frozen=True)
class TableDiff:
    table: str
    added: int | None
    removed: int | None
    revised: int | None
    note: str | None = None


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {ident(table)}").fetchall()]


def _duplicate_keys(con: duckdb.DuckDBPyConnection, table: str, key: tuple[str, ...]) -> int:
    cols = ", ".join(ident(k) for k in key)
    row = con.execute(
        f"SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT {cols} FROM {ident(table)})) FROM {ident(table)}"
    ).fetchone()
    return int(row[0]) if row else 0


def _pack(alias: str, cols: list[str] | tuple[str, ...]) -> str:
    return "to_json(struct_pack(" + ", ".join(f"{ident(c)} := {alias}.{ident(c)}" for c in cols) + "))"


def compare(
    con: duckdb.DuckDBPyConnection, table: str, old: str, new: str, spec: TableSpec, scratch: str = "_canus_diff"
) -> TableDiff:
    """Fill the temp table ``scratch`` with one row per changed key and count them."""
    old_cols, new_cols = set(_columns(con, old)), set(_columns(con, new))
    missing = [k for k in spec.key if k not in old_cols or k not in new_cols]
    if missing:
        return TableDiff(table, None, None, None, f"key column(s) absent in one vintage: {', '.join(missing)}")
    for side in (old, new):
        if _duplicate_keys(con, side, spec.key):
            return TableDiff(table, None, None, None, "key not unique")
    compared = [c for c in spec.compared if c in old_cols and c in new_cols]
    on = " AND ".join(f"o.{ident(k)} IS NOT DISTINCT FROM n.{ident(k)}" for k in spec.key)
    changed = " OR ".join(f"o.{ident(c)} IS DISTINCT FROM n.{ident(c)}" for c in compared) or "false"
    cols = ", ".join(ident(c) for c in dict.fromkeys([*spec.key, *compared]))
    key_pack = (
        "to_json(struct_pack("
        + ", ".join(f"{ident(k)} := coalesce(n.{ident(k)}, o.{ident(k)})" for k in spec.key)
        + "))"
    )
    con.execute(f"DROP TABLE IF EXISTS {ident(scratch)}")
    con.execute(f"""
        CREATE TEMP TABLE {ident(scratch)} AS
        SELECT CASE WHEN o._in IS NULL THEN 'added' WHEN n._in IS NULL THEN 'removed'
                    ELSE 'revised' END AS change,
               {key_pack} AS key,
               CASE WHEN o._in THEN {_pack("o", compared) if compared else "NULL"} END AS old,
               CASE WHEN n._in THEN {_pack("n", compared) if compared else "NULL"} END AS new
        FROM (SELECT {cols}, true AS _in FROM {ident(old)}) o
        FULL OUTER JOIN (SELECT {cols}, true AS _in FROM {ident(new)}) n ON {on}
        WHERE o._in IS NULL OR n._in IS NULL OR ({changed})
    """)
    counts = dict(con.execute(f"SELECT change, count(*) FROM {ident(scratch)} GROUP BY change").fetchall())
    return TableDiff(table, int(counts.get("added", 0)), int(counts.get("removed", 0)), int(counts.get("revised", 0)))


def record(
    con: duckdb.DuckDBPyConnection,
    *,
    source_id: str,
    sha256: str,
    previous_sha256: str | None,
    loaded_at: object,
    diff: TableDiff,
    scratch: str | None = "_canus_diff",
) -> None:
    """Store the counts of ``diff`` and, when ``scratch`` holds its keys, every changed key."""
    changed = sum(n or 0 for n in (diff.added, diff.removed, diff.revised))
    note = diff.note
    if note is None and scratch is not None and changed > MAX_KEYS:
        note = f"counts exact; the first {MAX_KEYS} of {changed} changed keys kept"
    con.execute(
        "INSERT INTO revisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [source_id, sha256, previous_sha256, loaded_at, diff.table, diff.added, diff.removed, diff.revised, note],
    )
    if scratch is not None and diff.note is None:
        # Revised keys first: they are what a reader asks about; additions are mostly new periods.
        con.execute(
            f"""INSERT INTO revision_keys
            SELECT ?, ?, ?, change, key, old, new FROM {ident(scratch)}
            ORDER BY change = 'revised' DESC, change LIMIT {MAX_KEYS}""",
            [source_id, sha256, diff.table],
        )
    if scratch is not None:
        con.execute(f"DROP TABLE IF EXISTS {ident(scratch)}")


@dataclass(frozen=True)
class VersionChanges:
    sha256: str
    loaded_at: object
    table: str
    added: int | None
    removed: int | None
    revised: int | None
    note: str | None


def read_changes(con: duckdb.DuckDBPyConnection, source_id: str) -> dict[str, list[VersionChanges]]:
    """Per version sha256 of ``source_id``, what it changed in each table."""
    import duckdb

    try:
        rows = con.execute(
            "SELECT sha256, loaded_at, table_name, added, removed, revised, note FROM revisions "
            "WHERE source_id = ? ORDER BY loaded_at, table_name",
            [source_id],
        ).fetchall()
    except duckdb.CatalogException:
        return {}
    out: dict[str, list[VersionChanges]] = {}
    for sha, loaded_at, table, added, removed, revised, note in rows:
        out.setdefault(sha, []).append(VersionChanges(sha, loaded_at, table, added, removed, revised, note))
    return out


def read_keys(
    con: duckdb.DuckDBPyConnection, source_id: str, sha256: str, change: str | None = None
) -> list[tuple[str, str, dict[str, object], object, object]]:
    """Changed keys of one version: (table, change, key, old, new)."""
    sql = "SELECT table_name, change, key, old, new FROM revision_keys WHERE source_id = ? AND sha256 = ?"
    params: list[object] = [source_id, sha256]
    if change:
        sql += " AND change = ?"
        params.append(change)
    return [
        (t, c, json.loads(k), json.loads(o) if o else None, json.loads(n) if n else None)
        for t, c, k, o, n in con.execute(sql + " ORDER BY table_name, change, key", params).fetchall()
    ]
