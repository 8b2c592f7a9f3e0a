"""The DuckDB warehouse: built aside, validated, swapped in with one atomic rename.

Readers never see a half-built state. A build copies the published file, replaces the
tables of the sources that changed (each in its own transaction), records their data
versions, and only then renames the new file over the published one. Whatever fails,
the published file is left byte for byte as it was.

Each publish also writes ``canus.duckdb.versions.json``, the ``data_versions`` rows keyed on
the published file's inode, size and mtime, so that ``canus update`` can tell "nothing changed"
without starting DuckDB; a sidecar that does not match the file is ignored.

Readers attach the published file read-only inside a private in-memory DuckDB instance.
DuckDB caches database instances by path within a process, so a plain ``connect(path)``
after a swap would keep answering from the old file; a fresh in-memory instance that
attaches the path does not.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from canus.errors import CanusError, WarehouseError
from canus.settings import Settings, get_settings
from canus.sources.base import LoadResult, Snapshot, Source

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
"""


def combined_sha256(snapshots: dict[str, Snapshot]) -> str:
    if len(snapshots) == 1:
        return next(iter(snapshots.values())).sha256
    lines = "\n".join(f"{name}:{s.sha256}" for name, s in sorted(snapshots.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


@dataclass
class BuildOutcome:
    source_id: str
    ok: bool
    rows: int = 0
    as_of: str | None = None
    error: CanusError | None = None


def attach_readonly(path: Path, *, sandbox: bool = False) -> duckdb.DuckDBPyConnection:
    """A private instance with ``path`` attached read-only as the default database."""
    import duckdb

    con = duckdb.connect(":memory:")
    quoted = str(path).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS wh (READ_ONLY)")
    con.execute("USE wh")
    if sandbox:
        # No files, no network, no extensions, and no way to turn them back on.
        con.execute("SET enable_external_access = false")
        con.execute("SET allow_community_extensions = false")
        con.execute("SET autoinstall_known_extensions = false")
        con.execute("SET autoload_known_extensions = false")
        con.execute("SET lock_configuration = true")
    return con


class Warehouse:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.path = self.settings.warehouse_path

    def exists(self) -> bool:
        return self.path.exists()

    @contextlib.contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self.exists():
            raise WarehouseError(
                "No warehouse yet at {path}: run 'canus update' first.", path=self.path
            )
        con = attach_readonly(self.path)
        try:
            yield con
        finally:
            con.close()

    @property
    def sidecar(self) -> Path:
        return self.path.with_name(self.path.name + ".versions.json")

    def _file_key(self) -> list[int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return [st.st_ino, st.st_size, st.st_mtime_ns]

    def versions(self) -> dict[str, dict[str, object]]:
        key = self._file_key()
        if key is None:
            return {}
        try:
            cached = json.loads(self.sidecar.read_text(encoding="utf-8"))
            if cached.get("file") == key:
                return {sid: _decode_version(v) for sid, v in cached["versions"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            pass
        with self.read() as con:
            versions = read_versions(con)
        self._write_sidecar(versions)
        return versions

    def _write_sidecar(self, versions: dict[str, dict[str, object]]) -> None:
        key = self._file_key()
        if key is None:
            return
        doc = {"file": key, "versions": {sid: _encode_version(v) for sid, v in versions.items()}}
        tmp = self.sidecar.with_name(self.sidecar.name + f".{os.getpid()}")
        try:
            tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.sidecar)
        except OSError:
            # Only a cache: without it the next update reads the warehouse itself.
            tmp.unlink(missing_ok=True)

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.parent / ".update.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as e:
                raise WarehouseError(
                    "Another 'canus update' is running on {home}; try again when it ends.",
                    home=self.path.parent,
                ) from e
            yield

    def build(
        self,
        jobs: list[tuple[Source, dict[str, Snapshot]]],
        on_event: Callable[[str, str], None] | None = None,
        validate: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
    ) -> list[BuildOutcome]:
        """Load each job's snapshots into a copy of the warehouse, then publish the copy."""
        import duckdb

        outcomes: list[BuildOutcome] = []
        versions: dict[str, dict[str, object]] = {}
        with self._lock():
            tmp = self.path.with_name(f".{self.path.name}.building-{os.getpid()}")
            tmp.unlink(missing_ok=True)
            try:
                if self.exists():
                    shutil.copyfile(self.path, tmp)
                con = duckdb.connect(str(tmp))
                try:
                    con.execute(VERSIONS_DDL)
                    for source, snaps in jobs:
                        if on_event:
                            on_event(source.id, "loading")
                        outcomes.append(self._load_one(con, source, snaps))
                    if not any(o.ok for o in outcomes):
                        return outcomes
                    if validate is not None:
                        validate(con)
                    self._write_meta(con)
                    con.execute("CHECKPOINT")
                    versions = read_versions(con)
                finally:
                    con.close()
                os.replace(tmp, self.path)
                _fsync_dir(self.path.parent)
                self._write_sidecar(versions)
            finally:
                tmp.unlink(missing_ok=True)
                tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)
        return outcomes

    def _load_one(
        self, con: duckdb.DuckDBPyConnection, source: Source, snaps: dict[str, Snapshot]
    ) -> BuildOutcome:
        con.execute("BEGIN TRANSACTION")
        try:
            for table in source.tables:
                con.execute(f'DROP TABLE IF EXISTS "{table}"')
            result: LoadResult = source.load(con, snaps, source)
            for table in source.tables:
                n = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
                if not n or n[0] == 0:
                    raise WarehouseError(
                        "{source}: table {table} came out empty; nothing was published.",
                        source=source.id, table=table,
                    )
            files = [
                {"name": s.name, "sha256": s.sha256, "url": s.url, "size": s.size,
                 "retrieved_at": s.retrieved_at, "origin": s.origin}
                for s in snaps.values()
            ]
            retrieved = max(s.retrieved_at for s in snaps.values())
            release = next((s.release for s in snaps.values() if s.release), None)
            con.execute("DELETE FROM data_versions WHERE source_id = ?", [source.id])
            con.execute(
                "INSERT INTO data_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [source.id, combined_sha256(snaps), json.dumps(files), result.rows,
                 result.as_of, _utc_naive(retrieved), _utc_naive(None), release or result.notes.get("release"),
                 json.dumps(result.notes)],
            )
            con.execute("COMMIT")
            return BuildOutcome(source.id, True, result.rows, result.as_of)
        except Exception as e:
            con.execute("ROLLBACK")
            problem = " ".join(str(e).split())
            if isinstance(e, CanusError):
                err = e
            elif "gzip" in problem.lower():
                err = WarehouseError(
                    "{source}: {file}: the gzip file is damaged or incomplete ({problem})",
                    source=source.id, file=", ".join(s.name for s in snaps.values()), problem=problem,
                )
            else:
                err = WarehouseError("{source}: loading failed: {problem}", source=source.id, problem=problem)
            return BuildOutcome(source.id, False, error=err)

    def _write_meta(self, con: duckdb.DuckDBPyConnection) -> None:
        rows = con.execute(
            "SELECT source_id, sha256 FROM data_versions ORDER BY source_id"
        ).fetchall()
        version = hashlib.sha256(
            "\n".join(f"{a}:{b}" for a, b in rows).encode()
        ).hexdigest()[:16]
        built = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        for key, value in (("data_version", version), ("built_at", built)):
            con.execute("INSERT OR REPLACE INTO warehouse_meta VALUES (?, ?)", [key, value])


_TIMES = ("retrieved_at", "loaded_at")


def _encode_version(v: dict[str, object]) -> dict[str, object]:
    return {k: (x.isoformat() if isinstance(x, dt.datetime) else x) for k, x in v.items()}


def _decode_version(v: dict[str, object]) -> dict[str, object]:
    return {k: (dt.datetime.fromisoformat(x) if k in _TIMES and isinstance(x, str) else x)
            for k, x in v.items()}


def read_versions(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, object]]:
    import duckdb

    try:
        cur = con.execute("SELECT * FROM data_versions ORDER BY source_id")
    except duckdb.CatalogException:
        return {}
    cols = [d[0] for d in cur.description]
    out: dict[str, dict[str, object]] = {}
    for row in cur.fetchall():
        rec = dict(zip(cols, row, strict=True))
        rec["files"] = json.loads(rec["files"]) if rec.get("files") else []
        rec["notes"] = json.loads(rec["notes"]) if rec.get("notes") else {}
        out[str(rec["source_id"])] = rec
    return out


def _utc_naive(iso: str | None) -> dt.datetime:
    when = dt.datetime.fromisoformat(iso) if iso else dt.datetime.now(dt.UTC)
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when.replace(microsecond=0)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Reader:
    """Read-only access for a server: one cursor per thread, a new file noticed without restart."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.path = self.settings.warehouse_path
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._generation = 0
        self._local = threading.local()

    def _stat_key(self) -> tuple[int, int] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def available(self) -> bool:
        return self._stat_key() is not None

    def cursor(self) -> duckdb.DuckDBPyConnection:
        key = self._stat_key()
        if key is None:
            raise WarehouseError(
                "No warehouse yet at {path}: run 'canus update' first.", path=self.path
            )
        with self._lock:
            if key != self._key or self._con is None:
                # Old cursors keep the old file open (POSIX keeps renamed-over inodes alive).
                self._con = attach_readonly(self.path)
                self._key = key
                self._generation += 1
            con, gen = self._con, self._generation
        local = self._local
        if getattr(local, "generation", None) != gen:
            cur = con.cursor()
            cur.execute("USE wh")
            local.cursor, local.generation = cur, gen
        return local.cursor

    @property
    def generation(self) -> int:
        return self._generation
