"""What every request needs: the warehouse reader, its data version and a page cache."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import duckdb

from canus.settings import Settings, get_settings
from canus.warehouse import Reader, read_versions


@dataclass
class Version:
    data_version: str
    built_at: str | None
    generation: int


class AppState:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self.reader = Reader(self.settings)
        self._version: Version | None = None
        self._lock = threading.Lock()
        self._cache: dict[tuple[Any, ...], Any] = {}

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
            self._version = v
            self._cache.clear()
        return v

    def versions(self) -> dict[str, dict[str, object]]:
        con = self.cursor()
        return read_versions(con) if con is not None else {}

    def cached(self, key: tuple[Any, ...], make: Any) -> Any:
        """Memoize ``make()`` for the current data version (cleared when a new one appears)."""
        v = self.version()
        full = (v.data_version, *key)
        with self._lock:
            if full in self._cache:
                return self._cache[full]
        value = make()
        with self._lock:
            if len(self._cache) > 2048:
                self._cache.clear()
            self._cache[full] = value
        return value
