"""``canus update``: fetch what changed, load it aside, publish it in one swap."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from canus import sources
from canus.errors import CanusError, FetchError
from canus.settings import Settings, get_settings
from canus.sources.base import Snapshot, Source
from canus.sources.fetch import LazyClient, Progress, fetch_source, transport_errors
from canus.warehouse import Warehouse, combined_sha256

if TYPE_CHECKING:
    import httpx

Status = Literal["updated", "unchanged", "failed", "skipped"]


@dataclass
class UpdateResult:
    source_id: str
    status: Status
    rows: int | None = None
    as_of: str | None = None
    error: CanusError | None = None
    reason: str | None = None


def update(
    ids: list[str] | None = None,
    *,
    settings: Settings | None = None,
    progress: Progress | None = None,
    on_event: Callable[[str, str], None] | None = None,
    force: bool = False,
) -> list[UpdateResult]:
    settings = settings or get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    wh = Warehouse(settings)
    published = wh.versions()
    wanted = ids or sources.default_ids()
    results: dict[str, UpdateResult] = {}
    jobs: list[tuple[Source, dict[str, Snapshot]]] = []

    with LazyClient(settings) as lazy:
        client: httpx.Client = lazy  # type: ignore[assignment]
        for sid in wanted:
            try:
                source = sources.get(sid)
            except CanusError as e:
                results[sid] = UpdateResult(sid, "failed", error=e)
                if on_event:
                    on_event(sid, "failed")
                continue
            if source.requires and not getattr(settings, source.requires, None):
                results[sid] = UpdateResult(
                    sid, "skipped",
                    error=CanusError(
                        "{source}: skipped, no {setting} set. {help}",
                        source=sid, setting="CANUS_" + source.requires.upper(),
                        help=source.requires_help or "",
                    ),
                )
                continue
            previous = published.get(sid, {})
            if on_event:
                on_event(sid, "fetching")
            try:
                release = None
                if source.release_probe is not None and settings.mirror is None:
                    release = source.release_probe(source)
                    if release and not force and release == previous.get("release"):
                        results[sid] = UpdateResult(
                            sid, "unchanged", previous.get("rows"), previous.get("as_of"),  # type: ignore[arg-type]
                            reason="release unchanged",
                        )
                        continue
                snaps = fetch_source(source, settings=settings, client=client, progress=progress)
                if release:
                    snaps = {k: dataclasses.replace(s, release=release) for k, s in snaps.items()}
            except CanusError as e:
                results[sid] = UpdateResult(sid, "failed", error=e)
                if on_event:
                    on_event(sid, "failed")
                continue
            except transport_errors() as e:
                results[sid] = UpdateResult(
                    sid, "failed",
                    error=FetchError("{source}: {problem}", source=sid, problem=str(e)),
                )
                if on_event:
                    on_event(sid, "failed")
                continue
            except Exception as e:
                # One source's surprise must not stop the others, nor pass unexplained.
                results[sid] = UpdateResult(
                    sid, "failed",
                    error=FetchError("{source}: unexpected error while fetching: {problem}",
                                     source=sid, problem=f"{type(e).__name__}: {e}"),
                )
                if on_event:
                    on_event(sid, "failed")
                continue
            # Same bytes under a new release time still loads once, so that the new release is
            # recorded and the next run can skip the download.
            same_release = release is None or release == previous.get("release")
            if not force and same_release and combined_sha256(snaps) == previous.get("sha256"):
                results[sid] = UpdateResult(
                    sid, "unchanged", previous.get("rows"), previous.get("as_of"),  # type: ignore[arg-type]
                    reason="same snapshot",
                )
                continue
            jobs.append((source, snaps))

    if jobs:
        try:
            outcomes = wh.build(jobs, on_event=on_event)
        except CanusError as e:
            for source, _ in jobs:
                results[source.id] = UpdateResult(source.id, "failed", error=e)
        else:
            for o in outcomes:
                results[o.source_id] = UpdateResult(
                    o.source_id, "updated" if o.ok else "failed", o.rows, o.as_of, o.error
                )
    return [results[s] for s in wanted if s in results]
