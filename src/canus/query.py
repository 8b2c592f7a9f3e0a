"""Strictly read-only, bounded SQL on the warehouse, for ``canus query`` and the API.

Every query runs on a small fixed pool of worker threads, each holding its own sandboxed DuckDB
instance (one thread, a memory cap, no spilling, no files, network or extensions), opened once
and reopened only when a new warehouse file is published. A queue in front of the workers is
bounded: when it is full the caller is told to come back later instead of piling up. A
watchdog interrupts any query past the time limit or whose caller went away, so no worker
stays busy for a client that no longer waits. Page requests never use these instances.
"""

from __future__ import annotations

import atexit
import datetime as dt
import queue
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from canus.errors import CanusError, QueryError, WarehouseError
from canus.settings import Settings, get_settings
from canus.warehouse import attach_readonly

#: Rows a caller gets unless it asks for fewer (the API) or for all of them (``--all``).
MAX_ROWS = 1000
#: Rough size of a result beyond which it is cut (and reported as truncated), whatever the rows.
MAX_RESULT_CHARS = 20_000_000


class QueryBusy(CanusError):
    """Every query worker is busy and the queue is full: come back in a few seconds."""


class QueryTimeout(QueryError):
    """A query ran past the time limit and was stopped."""


class QueryCancelled(QueryError):
    """The caller went away; the query was stopped."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False


def plain(value: Any) -> Any:
    """A query result value as JSON/CSV can carry it: dates as ISO text, decimals as floats."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def check_sql(sql: str) -> str:
    """The one statement in ``sql``; empty, comment-only or several statements are refused."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as e:
        raise QueryError("Query refused or failed: {problem}", problem=str(e).splitlines()[0]) from None
    if not statements:
        raise QueryError("The query is empty: give one SQL statement, e.g. SELECT * FROM sources.")
    if len(statements) > 1:
        raise QueryError("Give one SQL statement at a time ({n} were given).", n=len(statements))
    return sql


class Scrubber:
    """Replaces this machine's paths (CANUS_HOME, the user's home, the working directory) in text.

    DuckDB names the attached file in ``duckdb_databases()``, ``duckdb_settings()`` and some
    error messages; a reader of the API has no business knowing where it lives.
    """

    def __init__(self, home: Path) -> None:
        pairs: dict[str, str] = {}
        for path, label in ((Path.home(), "~"), (Path.cwd(), "."), (home, "$CANUS_HOME")):
            for variant in {str(path), str(path.resolve())}:
                if len(variant) > 1:
                    pairs[variant] = label
        self.pairs = sorted(pairs.items(), key=lambda p: -len(p[0]))

    def __call__(self, value: Any) -> Any:
        if isinstance(value, str):
            if "/" in value:
                for path, label in self.pairs:
                    if path in value:
                        value = value.replace(path, label)
            return value
        # Lists, structs and maps hold strings too (duckdb_settings() lists the allowed paths).
        if isinstance(value, list | tuple):
            return [self(v) for v in value]
        if isinstance(value, dict):
            return {self(k): self(v) for k, v in value.items()}
        return value


def open_sandbox(settings: Settings) -> duckdb.DuckDBPyConnection:
    """A private DuckDB instance, warehouse attached read-only, bounded, configuration locked."""
    path = settings.warehouse_path
    if not path.exists():
        raise WarehouseError("No warehouse yet at {path}: run 'canus update' first.", path=path)
    con = attach_readonly(path)
    for stmt in (
        f"SET threads = {int(settings.query_threads)}",
        f"SET memory_limit = '{int(settings.query_memory_mb)}MB'",
        # No spilling: a temp directory is a place the sandbox could write to and read from.
        "SET temp_directory = ''",
        "SET enable_external_access = false",
        "SET allow_community_extensions = false",
        "SET autoinstall_known_extensions = false",
        "SET autoload_known_extensions = false",
        "SET lock_configuration = true",
    ):
        con.execute(stmt)
    return con


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns)


def execute(con: duckdb.DuckDBPyConnection, sql: str, max_rows: int | None, scrub: Callable[[Any], Any]) -> QueryResult:
    """Run ``sql`` on ``con`` and fetch at most ``max_rows`` rows (``None``: all)."""
    cur = con.execute(sql)
    if cur.description is None:
        return QueryResult([], [])
    columns = [scrub(str(d[0])) for d in cur.description]
    rows: list[list[Any]] = []
    size = 0
    truncated = False
    chunk = 2048 if max_rows is None else min(max_rows + 1, 2048)
    while True:
        batch = cur.fetchmany(chunk)
        if not batch:
            break
        for r in batch:
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            row = [scrub(plain(v)) for v in r]
            size += sum(len(v) if isinstance(v, str | bytes) else 8 for v in row)
            if size > MAX_RESULT_CHARS:
                truncated = True
                break
            rows.append(row)
        if truncated:
            break
    return QueryResult(columns, rows, truncated)


@dataclass
class Job:
    sql: str
    max_rows: int | None
    future: Future = field(default_factory=Future)
    queued_at: float = field(default_factory=time.monotonic)
    deadline: float | None = None
    #: Why the watchdog stopped it: "timeout" or "cancelled".
    stopped: str | None = None

    def cancel(self) -> None:
        """The caller no longer waits: drop it from the queue, or interrupt it if running."""
        if self.stopped is None:
            self.stopped = "cancelled"
        self.future.cancel()


@dataclass
class _WorkerConnection:
    """A query worker's DuckDB connection and the warehouse file it was opened on."""

    con: duckdb.DuckDBPyConnection | None = None
    key: tuple[int, int] | None = None


class QueryPool:
    """A fixed set of query workers behind a bounded queue, with a watchdog."""

    def __init__(self, settings: Settings | None = None, *, workers: int | None = None) -> None:
        self.settings = settings or get_settings()
        self.timeout = float(self.settings.query_timeout)
        n = max(1, workers or self.settings.query_workers)
        self._queue: queue.Queue[Job | None] = queue.Queue(maxsize=max(1, self.settings.query_queue))
        self._lock = threading.Lock()
        self._running: dict[int, tuple[Job, duckdb.DuckDBPyConnection]] = {}
        self._closing = threading.Event()
        self.scrub = Scrubber(self.settings.home)
        self._threads = [
            threading.Thread(target=self._work, args=(i,), name=f"canus-query-{i}", daemon=True) for i in range(n)
        ]
        self._threads.append(threading.Thread(target=self._watch, name="canus-query-watchdog", daemon=True))
        for t in self._threads:
            t.start()
        _POOLS.add(self)

    def submit(self, sql: str, max_rows: int | None = MAX_ROWS) -> Job:
        """Queue ``sql``; raises :class:`QueryError` for empty SQL and :class:`QueryBusy` when full."""
        check_sql(sql)
        if self._closing.is_set():
            raise QueryBusy("The server is shutting down; try again in a moment.")
        job = Job(sql, max_rows)
        try:
            self._queue.put_nowait(job)
        except queue.Full:
            raise QueryBusy("Every query worker is busy; try again in a few seconds.") from None
        return job

    def run(self, sql: str, max_rows: int | None = MAX_ROWS) -> QueryResult:
        """Submit and wait (the command line); Ctrl+C stops the query."""
        job = self.submit(sql, max_rows)
        try:
            return job.future.result()
        except BaseException:
            job.cancel()
            raise

    @property
    def busy(self) -> int:
        with self._lock:
            return len(self._running)

    def _work(self, index: int) -> None:
        conn = _WorkerConnection()
        while True:
            job = self._queue.get()
            if job is None:
                break
            if not job.future.set_running_or_notify_cancel():
                continue
            refusal = self._refusal(job)
            if refusal is not None:
                job.future.set_exception(refusal)
                continue
            try:
                result = self._execute(index, job, self._connection(conn))
            except duckdb.FatalException as e:
                conn.con = None  # the instance is unusable: the next query opens a fresh one
                job.future.set_exception(self._failure(job, e))
            except BaseException as e:  # never leave a caller waiting forever
                job.future.set_exception(self._failure(job, e))
            else:
                job.future.set_result(result)
        if conn.con is not None:
            conn.con.close()

    def _refusal(self, job: Job) -> QueryBusy | None:
        """Why a job is not run at all: the pool is closing, or it waited too long in the queue."""
        if self._closing.is_set():
            return QueryBusy("The server is shutting down; try again in a moment.")
        if time.monotonic() - job.queued_at > self.timeout:
            # Waited a whole time limit in the queue: its caller has most likely given up.
            return QueryBusy("Every query worker is busy; try again in a few seconds.")
        return None

    def _connection(self, conn: _WorkerConnection) -> duckdb.DuckDBPyConnection:
        """The worker's sandbox connection, reopened when a new warehouse was published."""
        new_key = _file_key(self.settings.warehouse_path)
        if conn.con is None or new_key != conn.key:
            # A new warehouse was published (or none yet): reopen on the current file.
            if conn.con is not None:
                conn.con.close()
                conn.con = None
            conn.con = open_sandbox(self.settings)
            conn.key = new_key
        return conn.con

    def _execute(self, index: int, job: Job, con: duckdb.DuckDBPyConnection) -> QueryResult:
        """Run the job, registered with its deadline so the watchdog can interrupt it."""
        with self._lock:
            if self._closing.is_set():
                # Stopped while this worker was opening the warehouse: the stop has already
                # interrupted what was running, so this query would run on unseen.
                raise QueryBusy("The server is shutting down; try again in a moment.")
            job.deadline = time.monotonic() + self.timeout
            self._running[index] = (job, con)
        try:
            return execute(con, job.sql, job.max_rows, self.scrub)
        finally:
            with self._lock:
                self._running.pop(index, None)

    def _failure(self, job: Job, e: BaseException) -> BaseException:
        """What the caller of a failed job is told: DuckDB's errors in canus's words."""
        if isinstance(e, duckdb.InterruptException):
            if job.stopped == "timeout":
                return QueryTimeout(
                    "The query ran longer than the {seconds} s limit and was stopped.",
                    seconds=_seconds(self.timeout),
                )
            return QueryCancelled("The query was stopped.")
        if isinstance(e, duckdb.Error):
            return QueryError("Query refused or failed: {problem}", problem=self.scrub(str(e).splitlines()[0]))
        return e  # canus's own errors, and anything else, as raised

    def _watch(self) -> None:
        while not self._closing.wait(0.05):
            self._interrupt_due()

    def _interrupt_due(self, everything: bool = False) -> None:
        now = time.monotonic()
        with self._lock:
            for job, con in self._running.values():
                if everything and job.stopped is None:
                    job.stopped = "cancelled"
                elif job.stopped is None and job.deadline is not None and now > job.deadline:
                    job.stopped = "timeout"
                if job.stopped is not None:
                    # Under the lock: the worker cannot have moved on to another job meanwhile.
                    con.interrupt()

    def stop(self) -> None:
        """Stop taking queries and interrupt the running ones; returns at once."""
        self._closing.set()
        self._interrupt_due(everything=True)

    def close(self, timeout: float = 3.0) -> None:
        """Stop taking queries, interrupt the running ones, and join the workers."""
        self._closing.set()
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job.cancel()
        self._interrupt_due(everything=True)
        for _ in self._threads:
            try:
                self._queue.put(None, timeout=0.2)
            except queue.Full:
                break
        end = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, end - time.monotonic()))


#: Every open pool, so that the interpreter's exit stops their queries first: a daemon thread
#: killed inside DuckDB at exit aborts the whole process.
_POOLS: weakref.WeakSet[QueryPool] = weakref.WeakSet()


@atexit.register
def _close_pools() -> None:
    for pool in list(_POOLS):
        pool.close(timeout=5.0)


def _seconds(value: float) -> str:
    return f"{value:g}"


def run_query(sql: str, max_rows: int | None = MAX_ROWS, settings: Settings | None = None) -> QueryResult:
    """One bounded query, for the command line."""
    settings = settings or get_settings()
    check_sql(sql)
    if not settings.warehouse_path.exists():
        raise WarehouseError("No warehouse yet at {path}: run 'canus update' first.", path=settings.warehouse_path)
    pool = QueryPool(settings, workers=1)
    try:
        return pool.run(sql, max_rows)
    finally:
        pool.close()
