"""What every request needs: the warehouse reader, its data version and a page cache.

The cache holds whatever a request computed for the current data version. Two things keep a
new version from being slow for readers: only one thread builds a given entry while the others
wait for it (no stampede of identical renders), and the warmers the app declares
(``AppState(warmers=…)``) run in the background as soon as a new version is seen.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from canus.data_versions import DataVersion
from canus.settings import Settings, get_settings
from canus.warehouse import Reader, read_versions

log = logging.getLogger("canus.web")
Warmer = Callable[["AppState"], None]


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
        if fresh and self.warmers:
            self.warming.set()
            threading.Thread(target=self._warm, name="canus-warm", daemon=True).start()
        return v

    def _warm(self) -> None:
        for warm in self.warmers:
            try:
                warm(self)
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
