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
import errno
import fcntl
import hashlib
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from canus import debris, publish_gate, revisions
from canus.data_versions import VERSIONS_DDL, DataVersion, read_versions
from canus.errors import CanusError, WarehouseError
from canus.i18n import fmt_number
from canus.publish_gate import Breach
from canus.settings import Settings, get_settings
from canus.sources.base import LoadResult, Snapshot, Source
from canus.table_specs import TableSpec, spec_for

if TYPE_CHECKING:
    import duckdb

__all__ = ["VERSIONS_DDL", "DataVersion", "Reader", "Warehouse", "read_versions"]

#: Published tables are set aside under this prefix while a source's new ones load beside them.
PREVIOUS = "_canus_published_"


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
    #: What this version changed against the published one, summed over the source's tables
    #: (None where it could not be compared, e.g. a first version).
    added: int | None = None
    removed: int | None = None
    revised: int | None = None


@dataclass(frozen=True)
class PublishOptions:
    """What an operator allows an update to publish that it would otherwise refuse."""

    #: Sources whose older vintage may replace the published one (``--allow-older``).
    allow_older: frozenset[str] = frozenset()
    #: Sources whose publish-gate breaches are accepted (``--accept-change``).
    accept_change: frozenset[str] = frozenset()
    #: Off when rebuilding a past version, which was accepted when it was first published.
    checks: bool = True


class PublishRefusedError(WarehouseError):
    """A new vintage that the publish gate or the vintage order stopped."""

    def __init__(self, message: str, /, checks: tuple[str, ...] = (), **params: object) -> None:
        self.checks = checks
        super().__init__(message, **params)


class DiskFullError(WarehouseError):
    """No space left where an update had to write."""


def is_disk_full(e: BaseException) -> bool:
    if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    # DuckDB reports its own write failures as IOException/FatalException with the OS text.
    text = str(e).lower()
    return "no space left on device" in text or "disk quota exceeded" in text


def disk_full_error(path: Path, need: int, e: BaseException) -> DiskFullError:
    return DiskFullError(
        "Disk full: canus could not write {path} ({problem}). This step needs about {need} MB "
        "free there; free some space (or set CANUS_HOME to a larger disk) and run the update "
        "again. The published data is unchanged.",
        path=path,
        need={lang: fmt_number(max(1, need / 1e6), lang, 1) for lang in ("en", "fr")},
        problem=_problem(e),
    )


def write_error(path: Path, e: BaseException) -> WarehouseError:
    """A place canus must write and cannot: a read-only disk, no permission, a file where a folder should be."""
    return WarehouseError(
        "canus cannot write {path} ({problem}). Make that place writable or choose another one "
        "(CANUS_HOME for the warehouse); the published data is unchanged.",
        path=path,
        problem=_problem(e),
    )


def _problem(e: BaseException) -> str:
    # The system's own words, on one line and short enough for a progress table.
    return " ".join(str(e).split())[:200]


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
    def __init__(self, settings: Settings | None = None, path: Path | None = None) -> None:
        self.settings = settings or get_settings()
        self.path = path or self.settings.warehouse_path
        # Raw snapshots and their temporaries belong to the home's own warehouse only.
        self.raw_dir: Path | None = self.settings.raw_dir if path is None else None
        self._held = False

    def exists(self) -> bool:
        return self.path.exists()

    @contextlib.contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        import duckdb

        if not self.exists():
            raise WarehouseError("No warehouse yet at {path}: run 'canus update' first.", path=self.path)
        try:
            con = attach_readonly(self.path)
        except duckdb.Error as e:
            # A damaged or foreign file: say so and leave it as it is (it may be worth a look).
            raise WarehouseError(
                "The warehouse {path} cannot be read ({problem}). Move it aside and run 'canus update' "
                "to build a new one.",
                path=self.path,
                problem=" ".join(str(e).split())[:200],
            ) from e
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

    def versions(self) -> dict[str, DataVersion]:
        key = self._file_key()
        if key is None:
            return {}
        try:
            cached = json.loads(self.sidecar.read_text(encoding="utf-8"))
            if cached.get("file") == key:
                return {sid: DataVersion.from_json(v) for sid, v in cached["versions"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            pass
        with self.read() as con:
            versions = read_versions(con)
        self._write_sidecar(versions)
        return versions

    def _write_sidecar(self, versions: dict[str, DataVersion]) -> None:
        key = self._file_key()
        if key is None:
            return
        doc = {"file": key, "versions": {sid: v.to_json() for sid, v in versions.items()}}
        tmp = self.sidecar.with_name(self.sidecar.name + f".{os.getpid()}")
        try:
            tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.sidecar)
        except OSError:
            # Only a cache: without it the next update reads the warehouse itself.
            tmp.unlink(missing_ok=True)

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the update lock (re-entrant within this object) and clear stale debris."""
        if self._held:
            yield
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = open(self.path.parent / ".update.lock", "w")  # noqa: SIM115 (closed by the with below)
        except OSError as e:
            raise write_error(self.path.parent, e) from e
        with lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as e:
                raise WarehouseError(
                    "Another 'canus update' is running on {home}; try again when it ends.",
                    home=self.path.parent,
                ) from e
            self._held = True
            try:
                debris.clean(self.path, self.raw_dir, time.time_ns())
                yield
            finally:
                self._held = False

    def build(
        self,
        jobs: list[tuple[Source, dict[str, Snapshot]]],
        on_event: Callable[[str, str], None] | None = None,
        options: PublishOptions | None = None,
    ) -> list[BuildOutcome]:
        """Load each job's snapshots into a copy of the warehouse, then publish the copy."""
        import duckdb

        options = options or PublishOptions()
        with self.lock():
            tmp = self.path.with_name(f".{self.path.name}.building-{os.getpid()}")
            tmp.unlink(missing_ok=True)
            try:
                return self._build_into(tmp, jobs, on_event, options)
            except Exception as e:
                if isinstance(e, CanusError):
                    raise
                if not is_disk_full(e):
                    if isinstance(e, OSError | duckdb.IOException):
                        raise write_error(self.path, e) from e
                    raise
                # A copy of the published file, the new tables beside the old ones until the
                # swap, and DuckDB's own room (it grows in blocks of a few MB).
                need = (
                    (self.path.stat().st_size if self.exists() else 0) * 2
                    + 4 * sum(s.size for _, snaps in jobs for s in snaps.values())
                    + (4 << 20)
                )
                raise disk_full_error(tmp, need, e) from e
            finally:
                tmp.unlink(missing_ok=True)
                tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)

    def _build_into(
        self,
        tmp: Path,
        jobs: list[tuple[Source, dict[str, Snapshot]]],
        on_event: Callable[[str, str], None] | None,
        options: PublishOptions,
    ) -> list[BuildOutcome]:
        import duckdb

        outcomes: list[BuildOutcome] = []
        if self.exists():
            shutil.copyfile(self.path, tmp)
        con = duckdb.connect(str(tmp))
        try:
            con.execute(VERSIONS_DDL)
            con.execute(revisions.REVISIONS_DDL)
            published = read_versions(con)
            for source, snaps in jobs:
                if on_event:
                    on_event(source.id, "loading")
                outcomes.append(self._load_one(con, source, snaps, published.get(source.id), options))
            if not any(o.ok for o in outcomes):
                return outcomes
            self._write_meta(con)
            con.execute("CHECKPOINT")
            versions = read_versions(con)
        finally:
            con.close()
        os.replace(tmp, self.path)
        _fsync_dir(self.path.parent)
        self._write_sidecar(versions)
        return outcomes

    def _load_one(
        self,
        con: duckdb.DuckDBPyConnection,
        source: Source,
        snaps: dict[str, Snapshot],
        published: DataVersion | None,
        options: PublishOptions,
    ) -> BuildOutcome:
        con.execute("BEGIN TRANSACTION")
        try:
            kept = _set_aside(con, source.tables)
            result: LoadResult = source.load(con, snaps, source)
            _check_not_empty(con, source)
            release = next((s.release for s in snaps.values() if s.release), None) or result.notes.get("release")
            allowed_older, accepted = False, tuple[str, ...]()
            if options.checks and published is not None:
                allowed_older, accepted = _check_publishable(con, source, kept, result, release, published, options)
            sha = combined_sha256(snaps)
            loaded_at = _utc_naive(None)
            diffs = _record_revisions(con, source, kept, sha, published, loaded_at)
            _record_version(con, source, snaps, result, release, sha, published, loaded_at, allowed_older, accepted)
            for table in kept:
                con.execute(f"DROP TABLE {revisions.ident(PREVIOUS + table)}")
            con.execute("COMMIT")
            added, removed, revised = _sum_diffs(diffs, kept)
            return BuildOutcome(
                source.id, True, result.rows, result.as_of, added=added, removed=removed, revised=revised
            )
        except Exception as e:
            with contextlib.suppress(Exception):
                con.execute("ROLLBACK")
            if is_disk_full(e) and not isinstance(e, CanusError):
                raise
            return BuildOutcome(source.id, False, error=_load_error(e, source, snaps))

    def _write_meta(self, con: duckdb.DuckDBPyConnection) -> None:
        rows = con.execute("SELECT source_id, sha256 FROM data_versions ORDER BY source_id").fetchall()
        version = hashlib.sha256("\n".join(f"{a}:{b}" for a, b in rows).encode()).hexdigest()[:16]
        built = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        for key, value in (("data_version", version), ("built_at", built)):
            con.execute("INSERT OR REPLACE INTO warehouse_meta VALUES (?, ?)", [key, value])


def _set_aside(con: duckdb.DuckDBPyConnection, tables: tuple[str, ...]) -> list[str]:
    """Rename the published tables out of the loader's way (undone by the ROLLBACK of a failure)."""
    present = {
        r[0]
        for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()
    }
    kept = []
    for table in tables:
        con.execute(f"DROP TABLE IF EXISTS {revisions.ident(PREVIOUS + table)}")
        if table in present:
            con.execute(f"ALTER TABLE {revisions.ident(table)} RENAME TO {revisions.ident(PREVIOUS + table)}")
            kept.append(table)
    return kept


def _check_not_empty(con: duckdb.DuckDBPyConnection, source: Source) -> None:
    for table in source.tables:
        n = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        if not n or n[0] == 0:
            raise WarehouseError(
                "{source}: table {table} came out empty; nothing was published.",
                source=source.id,
                table=table,
            )


def _spec(con: duckdb.DuckDBPyConnection, source: Source, table: str) -> TableSpec:
    """The table's declared key and figures: the gate and the revisions record cannot do without."""
    try:
        return spec_for(con, table)
    except KeyError as e:
        raise WarehouseError(
            "{source}: table {table} has no declared key and figures (canus/table_specs.py); nothing was published.",
            source=source.id,
            table=table,
        ) from e


def _vintage(as_of: str | None, release: str | None) -> str:
    if release and as_of:
        return f"{as_of} ({release})"
    return as_of or release or "?"


def _check_publishable(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    kept: list[str],
    result: LoadResult,
    release: str | None,
    published: DataVersion,
    options: PublishOptions,
) -> tuple[bool, tuple[str, ...]]:
    """Raise :class:`PublishRefusedError` unless the new vintage passes or the operator allowed it.

    Returns whether an older vintage was allowed and which gate checks were accepted.
    """
    problems: list[dict[str, str]] = []
    advice: list[dict[str, str]] = []
    older = publish_gate.compare_vintages(result.as_of, published.as_of, release, published.release) < 0
    refused_older = older and source.id not in options.allow_older
    if refused_older:
        problems.append(
            publish_gate.both(
                "check 'as-of': the new file is an older vintage ({new}) than the one published ({old})",
                new=_vintage(result.as_of, release),
                old=_vintage(published.as_of, published.release),
            )
        )
        advice.append(
            publish_gate.both(
                "To load the older vintage on purpose, run 'canus update --allow-older {source}'.", source=source.id
            )
        )
    limits = publish_gate.thresholds_for(source.id)
    breaches: list[Breach] = []
    for table in kept:
        spec = _spec(con, source, table)
        breaches += publish_gate.check_table(con, table, PREVIOUS + table, table, spec, limits)
    checks = tuple(dict.fromkeys(b.check for b in breaches))
    refused_checks = checks if source.id not in options.accept_change else ()
    if refused_checks:
        for b in breaches:
            problems.append(
                {
                    lang: publish_gate.both("check '{check}': {detail}", check=b.check, detail=b.detail[lang])[lang]
                    for lang in ("en", "fr")
                }
            )
        advice.append(
            publish_gate.both("To publish it anyway, run 'canus update --accept-change {source}'.", source=source.id)
        )
    if problems:
        raise PublishRefusedError(
            "{source}: not published, the published data is unchanged. {problems}. {advice}",
            # The checks that stopped it: an accepted check or an allowed older vintage is not one.
            checks=(*(("as-of",) if refused_older else ()), *refused_checks),
            source=source.id,
            problems={lang: "; ".join(p[lang] for p in problems) for lang in ("en", "fr")},
            advice={lang: " ".join(a[lang] for a in advice) for lang in ("en", "fr")},
        )
    return older, checks


def _record_revisions(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    kept: list[str],
    sha: str,
    published: DataVersion | None,
    loaded_at: dt.datetime,
) -> list[revisions.TableDiff]:
    previous_sha = published.sha256 if published else None
    diffs = []
    for table in source.tables:
        spec = _spec(con, source, table)
        if table not in kept:
            n = con.execute(f"SELECT count(*) FROM {revisions.ident(table)}").fetchone()
            diff = revisions.TableDiff(table, int(n[0]) if n else 0, 0, 0)
            scratch = None
        else:
            diff = revisions.compare(con, table, PREVIOUS + table, table, spec)
            scratch = "_canus_diff"
        revisions.record(
            con,
            source_id=source.id,
            sha256=sha,
            previous_sha256=previous_sha,
            loaded_at=loaded_at,
            diff=diff,
            scratch=scratch,
        )
        diffs.append(diff)
    return diffs


def _sum_diffs(diffs: list[revisions.TableDiff], kept: list[str]) -> tuple[int | None, int | None, int | None]:
    """Added, removed and revised over the source's tables (None: a first version, or not comparable)."""
    if not kept:
        return None, None, None
    out: list[int | None] = []
    for name in ("added", "removed", "revised"):
        values = [getattr(d, name) for d in diffs]
        out.append(None if any(v is None for v in values) else sum(values))
    return out[0], out[1], out[2]


def _record_version(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    snaps: dict[str, Snapshot],
    result: LoadResult,
    release: str | None,
    sha: str,
    published: DataVersion | None,
    loaded_at: dt.datetime,
    allowed_older: bool,
    accepted: tuple[str, ...],
) -> None:
    files = json.dumps(
        [
            {
                "name": s.name,
                "sha256": s.sha256,
                "url": s.url,
                "size": s.size,
                "retrieved_at": s.retrieved_at,
                "origin": s.origin,
            }
            for s in snaps.values()
        ]
    )
    # Compared as times, not as text: "12:00+02:00" is before "11:30Z".
    retrieved = max(_utc_naive(s.retrieved_at) for s in snaps.values())
    notes = json.dumps(result.notes)
    con.execute("DELETE FROM data_versions WHERE source_id = ?", [source.id])
    con.execute(
        "INSERT INTO data_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [source.id, sha, files, result.rows, result.as_of, retrieved, loaded_at, release, notes],
    )
    con.execute(
        "INSERT INTO data_versions_history (source_id, sha256, previous_sha256, files, rows, as_of, "
        "release, retrieved_at, loaded_at, notes, allowed_older, accepted_checks) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            source.id,
            sha,
            published.sha256 if published else None,
            files,
            result.rows,
            result.as_of,
            release,
            retrieved,
            loaded_at,
            notes,
            allowed_older,
            json.dumps(list(accepted)),
        ],
    )


def _load_error(e: Exception, source: Source, snaps: dict[str, Snapshot]) -> CanusError:
    if isinstance(e, CanusError):
        return e
    problem = " ".join(str(e).split())
    if "gzip" in problem.lower():
        return WarehouseError(
            "{source}: {file}: the gzip file is damaged or incomplete ({problem})",
            source=source.id,
            file=", ".join(s.name for s in snaps.values()),
            problem=problem,
        )
    return WarehouseError("{source}: loading failed: {problem}", source=source.id, problem=problem)


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
            raise WarehouseError("No warehouse yet at {path}: run 'canus update' first.", path=self.path)
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
