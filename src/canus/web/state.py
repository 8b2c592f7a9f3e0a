"""What every request needs: the warehouse reader, its data version and a page cache.

The cache holds whatever a request computed for the current data version. Two things keep a
new version from being slow for readers: only one thread builds a given entry while the others
wait for it (no stampede of identical renders), and the warmers the app declares
(``AppState(warmers=…)``) run in the background as soon as a new version is seen.
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from canus.data_versions import DataVersion
from canus.settings import Settings, get_settings
from canus.warehouse import Reader, read_versions

log = logging.getLogger("canus.web")
Warmer = Callable[["AppState"], None]


#: Every app state, so that the interpreter's exit ends their warm-ups first: a daemon thread
#: killed inside DuckDB at exit aborts the whole process.
_STATES: weakref.WeakSet[AppState] = weakref.WeakSet()


@atexit.register
def _stop_warmups() -> None:
    for state in list(_STATES):
        state.close(timeout=10.0)


class _WarmupStopped(Exception):
    """Raised inside a warm-up once the server is shutting down, to end it early."""


@dataclass
class Version:
    data_version: str
    built_at: str | None
    generation: int


class AppState:
    def __init__(self, settings: Settings | None = None, warmers: Sequence[Warmer] = ()) -> None:
        self.settings = settings or get_settings()
        #: Run in the background whenever a new data version is published.
        self.warmers = tuple(warmers)
        self.reader = Reader(self.settings)
        self._version: Version | None = None
        self._lock = threading.Lock()
        self._cache: dict[tuple[Any, ...], Any] = {}
        self._building: dict[tuple[Any, ...], threading.Lock] = {}
        #: Set while a warm-up runs; /api/version reports it.
        self.warming = threading.Event()
        self._stopping = threading.Event()
        self._warm_thread: threading.Thread | None = None
        _STATES.add(self)

    def cursor(self) -> duckdb.DuckDBPyConnection | None:
        """A thread's cursor on the published warehouse, or None when there is none yet."""
        if not self.reader.available():
            return None
        return self.reader.cursor()

    def version(self) -> Version:
        con = self.cursor()
        if con is None:
            return Version("empty", None, -1)
        gen = self.reader.generation
        v = self._version
        if v is not None and v.generation == gen:
            return v
        meta = dict(con.execute("SELECT key, value FROM warehouse_meta").fetchall())
        v = Version(meta.get("data_version", "unknown"), meta.get("built_at"), gen)
        with self._lock:
            fresh = self._version is None or self._version.generation != gen
            self._version = v
            if fresh:
                self._cache.clear()
        if fresh and self.warmers and not self._stopping.is_set():
            self.warming.set()
            thread = threading.Thread(target=self._warm, name="canus-warm", daemon=True)
            self._warm_thread = thread
            thread.start()
        return v

    def close(self, timeout: float = 3.0) -> None:
        """Stop the warm-up (at its next cache entry) and wait for it; the server is shutting down."""
        self._stopping.set()
        thread = self._warm_thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _warm(self) -> None:
        for warm in self.warmers:
            if self._stopping.is_set():
                break
            try:
                warm(self)
            except _WarmupStopped:
                break
            except Exception:
                # A failed warm-up only means a slower first request; the request itself will
                # meet (and report) the same problem.
                log.warning("warming the page cache failed", exc_info=True)
        self.warming.clear()

    def versions(self) -> dict[str, DataVersion]:
        con = self.cursor()
        return read_versions(con) if con is not None else {}

    def cached(self, key: tuple[Any, ...], make: Any) -> Any:
        """Memoize ``make()`` for the current data version (cleared when a new one appears)."""
        if self._stopping.is_set() and threading.current_thread() is self._warm_thread:
            raise _WarmupStopped
        v = self.version()
        full = (v.data_version, *key)
        with self._lock:
            if full in self._cache:
                return self._cache[full]
            building = self._building.setdefault(full, threading.Lock())
        try:
            with building:
                with self._lock:
                    if full in self._cache:
                        return self._cache[full]
                value = make()
                with self._lock:
                    if len(self._cache) > 2048:
                        self._cache.clear()
                    self._cache[full] = value
        finally:
            # Also when make() fails: the next request tries afresh rather than a stale lock.
            with self._lock:
                self._building.pop(full, None)
        return value
