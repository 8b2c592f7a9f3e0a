"""``canus update``: fetch what changed, load it aside, publish it in one swap.

The whole update holds the update lock, from the first download to the swap: a second update
fails at once, and whatever a killed update left (a ``.building-*`` copy, ``raw/tmp*`` files)
is removed when the next one takes the lock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from canus import debris, sources
from canus.data_versions import DataVersion
from canus.errors import CanusError, FetchError
from canus.settings import Settings, get_settings
from canus.sources.base import Snapshot, Source
from canus.sources.fetch import LazyClient, Progress, fetch_source, transport_errors
from canus.warehouse import (
    BuildOutcome,
    DiskFullError,
    PublishOptions,
    Warehouse,
    combined_sha256,
    disk_full_error,
    is_disk_full,
)

if TYPE_CHECKING:
    import httpx

Status = Literal["updated", "unchanged", "failed", "skipped"]
Job = tuple[Source, dict[str, Snapshot]]


@dataclass
class UpdateResult:
    source_id: str
    status: Status
    rows: int | None = None
    as_of: str | None = None
    error: CanusError | None = None
    reason: str | None = None
    #: Rows this version added, removed and revised against the published one.
    added: int | None = None
    removed: int | None = None
    revised: int | None = None


@dataclass(frozen=True)
class _Run:
    settings: Settings
    published: dict[str, DataVersion]
    force: bool
    progress: Progress | None
    on_event: Callable[[str, str], None] | None


def update(
    ids: list[str] | None = None,
    *,
    settings: Settings | None = None,
    progress: Progress | None = None,
    on_event: Callable[[str, str], None] | None = None,
    force: bool = False,
    allow_older: frozenset[str] | set[str] = frozenset(),
    accept_change: frozenset[str] | set[str] = frozenset(),
) -> list[UpdateResult]:
    settings = settings or get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    wh = Warehouse(settings)
    wanted = ids or sources.default_ids()
    options = PublishOptions(frozenset(allow_older), frozenset(accept_change))
    results: dict[str, UpdateResult] = {}
    try:
        with wh.lock():
            try:
                run = _Run(settings, wh.versions(), force, progress, on_event)
                jobs = _fetch_all(run, wanted, results)
                if jobs:
                    _publish(wh, jobs, options, on_event, results)
            finally:
                if any(isinstance(r.error, DiskFullError) for r in results.values()):
                    # Partial downloads go at once, not at the next update: the disk is what is
                    # short. Still under the lock, so no other update's files are touched.
                    debris.clean(wh.path, settings.raw_dir)
    except CanusError as e:
        for sid in wanted:
            results.setdefault(sid, UpdateResult(sid, "failed", error=e))
    return [results[s] for s in wanted if s in results]


def _fetch_all(run: _Run, wanted: list[str], results: dict[str, UpdateResult]) -> list[Job]:
    jobs: list[Job] = []
    with LazyClient(run.settings) as lazy:
        client: httpx.Client = lazy  # type: ignore[assignment]
        for sid in wanted:
            outcome = _prepare(run, sid, client)
            if isinstance(outcome, UpdateResult):
                results[sid] = outcome
                if outcome.status == "failed" and run.on_event:
                    # The progress display marks the source failed rather than leave its bar.
                    run.on_event(sid, "failed")
            else:
                jobs.append(outcome)
    return jobs


def _prepare(run: _Run, sid: str, client: httpx.Client) -> UpdateResult | Job:
    """A job to load, or the result that says why there is none."""
    try:
        source = sources.get(sid)
    except CanusError as e:
        return UpdateResult(sid, "failed", error=e)
    if source.requires and not getattr(run.settings, source.requires, None):
        return UpdateResult(
            sid,
            "skipped",
            error=CanusError(
                "{source}: skipped, no {setting} set. {help}",
                source=sid,
                setting="CANUS_" + source.requires.upper(),
                help=source.requires_help or "",
            ),
        )
    previous = run.published.get(sid)
    if run.on_event:
        run.on_event(sid, "fetching")
    try:
        return _fetch(run, source, previous, client)
    except Exception as e:
        return UpdateResult(sid, "failed", error=_fetch_error(run, source, previous, e))


def _fetch_error(run: _Run, source: Source, previous: DataVersion | None, e: Exception) -> CanusError:
    if isinstance(e, CanusError):
        return e
    if is_disk_full(e):
        # shutil.copyfile names the source first and the destination, where room ran out, second.
        where = getattr(e, "filename2", None) or getattr(e, "filename", None) or run.settings.raw_dir
        return disk_full_error(where, _download_need(previous), e)
    if isinstance(e, transport_errors()):
        return FetchError("{source}: {problem}", source=source.id, problem=str(e))
    # One source's surprise must not stop the others, nor pass unexplained.
    return FetchError(
        "{source}: unexpected error while fetching: {problem}", source=source.id, problem=f"{type(e).__name__}: {e}"
    )


def _fetch(run: _Run, source: Source, previous: DataVersion | None, client: httpx.Client) -> UpdateResult | Job:
    release = None
    if source.release_probe is not None and run.settings.mirror is None:
        release = source.release_probe(source)
        if release and not run.force and previous is not None and release == previous.release:
            return _unchanged(source.id, previous, "release unchanged")
    snaps = fetch_source(source, settings=run.settings, client=client, progress=run.progress)
    if release:
        snaps = {k: dataclasses.replace(s, release=release) for k, s in snaps.items()}
    # Same bytes under a new release time still loads once, so that the new release is
    # recorded and the next run can skip the download.
    if (
        previous is not None
        and not run.force
        and (release is None or release == previous.release)
        and combined_sha256(snaps) == previous.sha256
    ):
        return _unchanged(source.id, previous, "same snapshot")
    return source, snaps


def _unchanged(sid: str, previous: DataVersion, reason: str) -> UpdateResult:
    return UpdateResult(sid, "unchanged", previous.rows, previous.as_of, reason=reason)


def _download_need(previous: DataVersion | None) -> int:
    # The last version's size is the best guess of the next one's; twice that for the copy
    # a check decompresses beside it.
    return 2 * sum(f.size or 0 for f in previous.files) if previous else 0


def _publish(
    wh: Warehouse,
    jobs: list[Job],
    options: PublishOptions,
    on_event: Callable[[str, str], None] | None,
    results: dict[str, UpdateResult],
) -> None:
    try:
        outcomes = wh.build(jobs, on_event=on_event, options=options)
    except CanusError as e:
        outcomes = [BuildOutcome(source.id, False, error=e) for source, _ in jobs]
    for o in outcomes:
        results[o.source_id] = _from_outcome(o)
        if not o.ok and on_event:
            # As at download: the progress row says the load failed instead of staying at "loading".
            on_event(o.source_id, "failed")


def _from_outcome(o: BuildOutcome) -> UpdateResult:
    return UpdateResult(
        o.source_id,
        "updated" if o.ok else "failed",
        o.rows if o.ok else None,
        o.as_of,
        o.error,
        added=o.added,
        removed=o.removed,
        revised=o.revised,
    )
