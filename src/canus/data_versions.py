"""What is published for each source: one typed :class:`DataVersion` per ``data_versions`` row.

The same record is kept for every version ever published in ``data_versions_history``, with
the flags an operator set to publish it (an older vintage on purpose, a change past the gate).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import duckdb

VERSIONS_DDL = """
CREATE TABLE IF NOT EXISTS data_versions (
    source_id VARCHAR PRIMARY KEY,
    sha256 VARCHAR NOT NULL,
    files JSON NOT NULL,
    rows BIGINT NOT NULL,
    as_of VARCHAR,
    retrieved_at TIMESTAMP NOT NULL,  -- UTC
    loaded_at TIMESTAMP NOT NULL,  -- UTC
    release VARCHAR,
    notes JSON
);
CREATE TABLE IF NOT EXISTS warehouse_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE SEQUENCE IF NOT EXISTS data_versions_history_seq;
CREATE TABLE IF NOT EXISTS data_versions_history (
    id BIGINT PRIMARY KEY DEFAULT nextval('data_versions_history_seq'),
    source_id VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    previous_sha256 VARCHAR,
    files JSON NOT NULL,
    rows BIGINT NOT NULL,
    as_of VARCHAR,
    release VARCHAR,
    retrieved_at TIMESTAMP NOT NULL,  -- UTC
    loaded_at TIMESTAMP NOT NULL,  -- UTC
    notes JSON,
    allowed_older BOOLEAN NOT NULL DEFAULT false,
    -- the publish-gate checks an operator accepted with --accept-change (empty: none breached)
    accepted_checks JSON
);
"""


@dataclass(frozen=True)
class SnapshotFile:
    """One raw file of a version, as the snapshot store keeps it (``raw/<sha[:2]>/<sha>…``)."""

    name: str
    sha256: str
    url: str | None = None
    size: int | None = None
    retrieved_at: str | None = None
    origin: str | None = None


@dataclass(frozen=True)
class DataVersion:
    source_id: str
    sha256: str
    files: tuple[SnapshotFile, ...]
    rows: int
    as_of: str | None
    retrieved_at: dt.datetime | None
    loaded_at: dt.datetime | None
    release: str | None = None
    notes: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)  # the files too, as dicts (asdict goes into the tuple)
        for k in ("retrieved_at", "loaded_at"):
            v = getattr(self, k)
            out[k] = v.isoformat() if v is not None else None
        return out

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> DataVersion:
        return cls(
            source_id=str(doc["source_id"]),
            sha256=str(doc["sha256"]),
            files=_files(doc.get("files")),
            rows=int(doc["rows"]),
            as_of=doc.get("as_of"),
            retrieved_at=_time(doc.get("retrieved_at")),
            loaded_at=_time(doc.get("loaded_at")),
            release=doc.get("release"),
            notes=_notes(doc.get("notes")),
        )


@dataclass(frozen=True)
class HistoryEntry:
    """One published version of one source, and how it came to be published."""

    id: int
    version: DataVersion
    previous_sha256: str | None
    allowed_older: bool
    accepted_checks: tuple[str, ...]


def _files(raw: object) -> tuple[SnapshotFile, ...]:
    # Stored as JSON text in DuckDB, as a list already in the sidecar.
    items = cast(list[dict[str, Any]], json.loads(raw) if isinstance(raw, str) else raw or [])
    known = {f.name for f in fields(SnapshotFile)}
    return tuple(SnapshotFile(**{k: v for k, v in dict(i).items() if k in known}) for i in items)


def _notes(raw: object) -> dict[str, str]:
    notes = cast(dict[str, Any], json.loads(raw) if isinstance(raw, str) else raw or {})
    return {str(k): str(v) for k, v in notes.items()}


def _time(raw: object) -> dt.datetime | None:
    if raw is None or isinstance(raw, dt.datetime):
        return raw
    return dt.datetime.fromisoformat(str(raw))


def _version(rec: dict[str, Any]) -> DataVersion:
    return DataVersion(
        source_id=str(rec["source_id"]),
        sha256=str(rec["sha256"]),
        files=_files(rec["files"]),
        rows=int(rec["rows"]),
        as_of=rec["as_of"],
        retrieved_at=_time(rec["retrieved_at"]),
        loaded_at=_time(rec["loaded_at"]),
        release=rec["release"],
        notes=_notes(rec["notes"]),
    )


def read_versions(con: duckdb.DuckDBPyConnection) -> dict[str, DataVersion]:
    """The published version of each source (none when the warehouse has no table yet)."""
    import duckdb

    try:
        cur = con.execute("SELECT * FROM data_versions ORDER BY source_id")
    except duckdb.CatalogException:
        return {}
    cols = [d[0] for d in cur.description]
    out: dict[str, DataVersion] = {}
    for row in cur.fetchall():
        v = _version(dict(zip(cols, row, strict=True)))
        out[v.source_id] = v
    return out


def read_history(con: duckdb.DuckDBPyConnection, source_id: str | None = None) -> list[HistoryEntry]:
    """Every version published, oldest first (a warehouse from before the history: none)."""
    import duckdb

    where, params = ("WHERE source_id = ?", [source_id]) if source_id else ("", [])
    try:
        cur = con.execute(f"SELECT * FROM data_versions_history {where} ORDER BY id", params)
    except duckdb.CatalogException:
        return []
    cols = [d[0] for d in cur.description]
    out = []
    for row in cur.fetchall():
        rec = dict(zip(cols, row, strict=True))
        accepted = json.loads(rec["accepted_checks"]) if rec["accepted_checks"] else []
        out.append(
            HistoryEntry(
                int(rec["id"]),
                _version(rec),
                rec["previous_sha256"],
                bool(rec["allowed_older"]),
                tuple(str(a) for a in accepted),
            )
        )
    return out
