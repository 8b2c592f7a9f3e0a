"""Every warehouse table as Parquet, with a Frictionless Data Package describing it.

Layout (``DIR`` is what ``canus export parquet DIR`` was given)::

    DIR/datapackage.json
    DIR/<source id>/<table>.parquet                      small tables: one file
    DIR/<source id>/<table>/year=<YYYY>/data_0.parquet   tables with a ``period`` date and at
                                                         least PARTITION_MIN_ROWS rows
    DIR/canus/<table>.parquet                            tables of canus itself (data_versions)

The source is the first level because a source is what changes together (one update replaces
all its tables), so a consumer syncs only the folders whose data version moved. Year is the
second level only where it pays: a query for one year then skips the other files, and a
table of a few thousand rows stays one file instead of dozens of tiny ones. Partition folders
follow the Hive convention (``year=2024``), which DuckDB, Spark, PyArrow and Polars all read.

The lake is built in a folder beside ``DIR`` and renamed over it only when complete, so a
failed export leaves the previous lake as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from canus import sources
from canus.data_versions import DataVersion
from canus.errors import CanusError
from canus.warehouse import Warehouse, read_versions

#: Below this many rows a table stays one file: year folders would only add files to open.
PARTITION_MIN_ROWS = 50_000
#: The column a table must have (a DATE) to be split by year.
PERIOD = "period"
INTERNAL = "canus"
#: Tables that belong to canus itself, not to a source, and what they hold.
INTERNAL_TABLES = {
    "data_versions": "The data version of each source in the warehouse: content hash of its raw "
    "files, as-of date, when it was retrieved and loaded.",
    "warehouse_meta": "Facts about the warehouse build itself (key, value).",
}
#: DuckDB type → Frictionless Table Schema field type.
_FRICTIONLESS = (
    ("BOOLEAN", "boolean"),
    ("TIMESTAMP", "datetime"),
    ("DATE", "date"),
    ("TIME", "time"),
    ("DECIMAL", "number"),
    ("DOUBLE", "number"),
    ("FLOAT", "number"),
    ("REAL", "number"),
    ("HUGEINT", "integer"),
    ("BIGINT", "integer"),
    ("INTEGER", "integer"),
    ("SMALLINT", "integer"),
    ("TINYINT", "integer"),
    ("UBIGINT", "integer"),
    ("UINTEGER", "integer"),
    ("JSON", "object"),
    ("VARCHAR", "string"),
    ("BLOB", "string"),
)


class LakeError(CanusError):
    pass


@dataclass(frozen=True)
class TableExport:
    table: str
    source_id: str
    rows: int
    files: tuple[str, ...]
    partitioned_by: tuple[str, ...]


def frictionless_type(duck_type: str) -> str:
    upper = duck_type.upper()
    if upper.endswith("[]"):
        return "array"
    if upper.startswith(("STRUCT", "MAP")):
        return "object"
    for prefix, kind in _FRICTIONLESS:
        if upper.startswith(prefix):
            return kind
    return "any"


def table_sources(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Table → the source that fills it, from each loaded source's declared tables."""
    owner: dict[str, str] = {}
    for sid in read_versions(con):
        try:
            src = sources.get(sid)
        except CanusError:
            continue  # a source canus no longer declares: its tables fall back below
        for t in src.tables:
            owner.setdefault(t, sid)
    return owner


def warehouse_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name"
        ).fetchall()
    ]


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
            [table],
        ).fetchall()
    ]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _source_of(con: duckdb.DuckDBPyConnection, table: str, owners: dict[str, str], columns: list[str]) -> str:
    if table in owners:
        return owners[table]
    if table in INTERNAL_TABLES:
        return INTERNAL
    if "source_id" in columns:
        found = [
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT source_id FROM {_quote(table)} WHERE source_id IS NOT NULL LIMIT 2"
            ).fetchall()
        ]
        if len(found) == 1:
            return str(found[0])
    return INTERNAL


def export_table(
    con: duckdb.DuckDBPyConnection, table: str, source_id: str, root: Path, partition_min_rows: int = PARTITION_MIN_ROWS
) -> TableExport:
    cols = _columns(con, table)
    names = [c for c, _t in cols]
    rows = int(con.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0])  # type: ignore[index]
    period_type = dict(cols).get(PERIOD, "")
    folder = root / source_id
    folder.mkdir(parents=True, exist_ok=True)
    if period_type.upper() == "DATE" and "year" not in names and rows >= partition_min_rows:
        target = folder / table
        con.execute(
            f"COPY (SELECT *, year({PERIOD}) AS year FROM {_quote(table)} ORDER BY {PERIOD}) "
            f"TO {_literal(target)} (FORMAT parquet, PARTITION_BY (year), COMPRESSION zstd)"
        )
        files = tuple(sorted(str(p.relative_to(root)) for p in target.rglob("*.parquet")))
        return TableExport(table, source_id, rows, files, ("year",))
    target = folder / f"{table}.parquet"
    con.execute(f"COPY {_quote(table)} TO {_literal(target)} (FORMAT parquet, COMPRESSION zstd)")
    return TableExport(table, source_id, rows, (str(target.relative_to(root)),), ())


def _resource(con: duckdb.DuckDBPyConnection, ex: TableExport, versions: Mapping[str, DataVersion]) -> dict[str, Any]:
    fields = [{"name": c, "type": frictionless_type(t), "duckdbType": t} for c, t in _columns(con, ex.table)]
    resource: dict[str, Any] = {
        "name": ex.table.lower().replace("_", "-"),
        "path": list(ex.files) if len(ex.files) != 1 else ex.files[0],
        "format": "parquet",
        "mediatype": "application/vnd.apache.parquet",
        "schema": {"fields": fields},
        "canus:table": ex.table,
        "canus:rows": ex.rows,
        "canus:source_id": ex.source_id,
    }
    if ex.partitioned_by:
        # The folder name carries the year; each file holds the table's own columns.
        resource["canus:partitioned_by"] = list(ex.partitioned_by)
        resource["canus:hive_partitioning"] = True
    if ex.source_id == INTERNAL:
        resource["description"] = INTERNAL_TABLES.get(ex.table, "A table of canus itself.")
        resource["licenses"] = [
            {"name": "MIT", "title": "canus (MIT licence)", "path": "https://opensource.org/license/mit"}
        ]
        return resource
    src = sources.get(ex.source_id)
    title = src.text("title", "en")
    resource["title"] = title
    resource["description"] = src.text("description", "en") or title
    resource["sources"] = [{"title": src.text("publisher", "en") + " — " + title, "path": src.landing_url}]
    resource["licenses"] = [{"name": src.licence.id, "title": src.licence.name["en"], "path": src.licence.url}]
    resource["canus:attribution"] = src.licence.attribution
    v = versions.get(ex.source_id)
    resource["canus:data_version"] = {
        "sha256": v.sha256 if v else None,
        "as_of": v.as_of if v else None,
        "release": v.release.isoformat() if v and isinstance(v.release, dt.datetime) else (v.release if v else None),
        "retrieved_at": v.retrieved_at.isoformat() if v and v.retrieved_at else None,
    }
    return resource


def export_parquet(
    dest: Path, warehouse: Warehouse | None = None, partition_min_rows: int = PARTITION_MIN_ROWS
) -> dict[str, Any]:
    """Write the lake to ``dest`` (replaced whole when done); returns the data package."""
    warehouse = warehouse or Warehouse()
    dest = dest.resolve()
    building = dest.with_name(dest.name + f".building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    try:
        with warehouse.read() as con:
            versions = read_versions(con)
            owners = table_sources(con)
            resources = []
            for table in warehouse_tables(con):
                names = [c for c, _t in _columns(con, table)]
                ex = export_table(con, table, _source_of(con, table, owners, names), building, partition_min_rows)
                resources.append(_resource(con, ex, versions))
        package = {
            "profile": "data-package",
            "name": "canus-lake",
            "title": "canus: official open data on Canada–United States relations, as Parquet",
            "description": "Every table of the canus warehouse, one Parquet resource each, with the "
            "source, licence and data version it comes from.",
            "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "homepage": "https://github.com/canus",
            "resources": resources,
        }
        (building / "datapackage.json").write_text(
            json.dumps(package, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    old = dest.with_name(dest.name + f".old-{os.getpid()}")
    if dest.exists():
        if not (dest / "datapackage.json").exists() and any(dest.iterdir()):
            shutil.rmtree(building, ignore_errors=True)
            raise LakeError(
                "{path} exists and is not a canus lake (no datapackage.json); choose an empty or new folder.", path=dest
            )
        dest.rename(old)
    building.rename(dest)
    shutil.rmtree(old, ignore_errors=True)
    return package


def read_package(root: Path) -> dict[str, Any]:
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))


def resource_glob(root: Path, resource: dict[str, Any]) -> str:
    """A path pattern (for DuckDB's read_parquet) that covers every file of ``resource``."""
    paths = resource["path"] if isinstance(resource["path"], list) else [resource["path"]]
    if resource.get("canus:partitioned_by"):
        base = root / Path(paths[0]).parents[1]
        return str(base / "*" / "*.parquet")
    return str(root / paths[0])
