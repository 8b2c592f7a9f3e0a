"""Rebuild a past version of the warehouse from the raw snapshots, into a file of its own.

The raw snapshots (``raw/<sha[:2]>/<sha256>…``, listed in ``raw/manifest.jsonl``) are the
source of truth; ``data_versions_history`` says which of them made up each published version.
``--as-of TIME`` takes, for each source, the last version published at or before that time;
``--version SHA`` takes the warehouse as it stood right after that source version was published.
Each raw file is checked against its sha256 before it is loaded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from canus import sources
from canus.data_versions import HistoryEntry, read_history
from canus.errors import WarehouseError
from canus.settings import Settings, get_settings
from canus.sources.base import Snapshot, Source
from canus.sources.fetch import SnapshotStore
from canus.warehouse import BuildOutcome, PublishOptions, Warehouse


@dataclass(frozen=True)
class Selection:
    entries: list[HistoryEntry]
    #: What was asked, for messages: the time or the version.
    target: str


def select(
    history: list[HistoryEntry],
    *,
    as_of: dt.datetime | None = None,
    version: str | None = None,
    source_ids: list[str] | None = None,
) -> Selection:
    """The version of each source that was published at ``as_of`` or right after ``version``."""
    if version:
        matches = [e for e in history if e.version.sha256.startswith(version.lower())]
        if not matches:
            raise WarehouseError(
                "No published version {version} in the history of this warehouse "
                "(see 'canus sources --history SOURCE').",
                version=version,
            )
        cutoff = matches[-1].id
        chosen = [e for e in history if e.id <= cutoff]
        target = version
    else:
        assert as_of is not None
        limit = as_of.astimezone(dt.UTC).replace(tzinfo=None) if as_of.tzinfo else as_of
        chosen = [e for e in history if e.version.loaded_at is not None and e.version.loaded_at <= limit]
        target = limit.isoformat()
    latest: dict[str, HistoryEntry] = {}
    for e in chosen:
        if source_ids is None or e.version.source_id in source_ids:
            latest[e.version.source_id] = e
    if not latest:
        raise WarehouseError("Nothing was published at {target}: no version to rebuild.", target=target)
    return Selection(list(latest.values()), target)


def snapshots_of(entry: HistoryEntry, store: SnapshotStore) -> dict[str, Snapshot]:
    out = {}
    v = entry.version
    for f in v.files:
        path = store.path_for(f.sha256, f.name)
        if not path.is_file():
            raise WarehouseError(
                "{source}: the raw snapshot {path} of version {version} is missing; that version cannot be rebuilt.",
                source=v.source_id,
                path=path,
                version=v.sha256[:12],
            )
        if _sha256(path) != f.sha256:
            raise WarehouseError(
                "{source}: the raw snapshot {path} no longer matches its sha256; that version cannot be rebuilt.",
                source=v.source_id,
                path=path,
            )
        out[f.name] = Snapshot(
            source_id=v.source_id,
            name=f.name,
            url=f.url or "",
            sha256=f.sha256,
            path=path,
            size=f.size or path.stat().st_size,
            retrieved_at=f.retrieved_at or "",
            origin="mirror" if f.origin == "mirror" else "http",
            release=v.release,
        )
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def rebuild(
    out: Path,
    *,
    as_of: dt.datetime | None = None,
    version: str | None = None,
    source_ids: list[str] | None = None,
    settings: Settings | None = None,
) -> list[BuildOutcome]:
    """Build the selected past version into ``out`` (which must not exist yet)."""
    settings = settings or get_settings()
    out = out.resolve()
    if out == settings.warehouse_path.resolve():
        raise WarehouseError("{path} is the published warehouse; rebuild into another file.", path=out)
    if out.exists():
        raise WarehouseError("{path} already exists; rebuild into a new file.", path=out)
    published = Warehouse(settings)
    with published.read() as con:
        history = read_history(con)
    chosen = select(history, as_of=as_of, version=version, source_ids=source_ids)
    store = SnapshotStore(settings.raw_dir)
    jobs: list[tuple[Source, dict[str, Snapshot]]] = [
        (sources.get(e.version.source_id), snapshots_of(e, store)) for e in chosen.entries
    ]
    # A past version was checked when it was first published; its order and gate are history.
    return Warehouse(settings, path=out).build(jobs, options=PublishOptions(checks=False))
