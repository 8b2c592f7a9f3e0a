"""The versions of a source as the command line and the API show them: one record per version."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from canus.data_versions import read_history
from canus.revisions import read_changes

if TYPE_CHECKING:
    import duckdb

#: Columns of ``/api/sources/<id>/history.csv`` and ``canus sources --history --format csv``.
CSV_COLUMNS = (
    "id",
    "source_id",
    "sha256",
    "previous_sha256",
    "as_of",
    "release",
    "rows",
    "retrieved_at",
    "loaded_at",
    "allowed_older",
    "accepted_checks",
    "added",
    "removed",
    "revised",
)


def _total(changes: list[Any], name: str) -> int | None:
    values = [getattr(c, name) for c in changes]
    return None if not values or any(v is None for v in values) else sum(values)


def history_records(con: duckdb.DuckDBPyConnection, source_id: str) -> list[dict[str, Any]]:
    """Newest first; ``added``/``removed``/``revised`` summed over the source's tables."""
    changes = read_changes(con, source_id)
    out = []
    for entry in reversed(read_history(con, source_id)):
        v = entry.version
        per_table = changes.get(v.sha256, [])
        # The same bytes published twice (e.g. after a rebuild) share a sha256: keep this
        # version's own rows, matched by load time.
        own = [c for c in per_table if c.loaded_at == v.loaded_at] or per_table
        out.append(
            {
                "id": entry.id,
                "source_id": v.source_id,
                "sha256": v.sha256,
                "previous_sha256": entry.previous_sha256,
                "as_of": v.as_of,
                "release": v.release,
                "rows": v.rows,
                "retrieved_at": v.retrieved_at.isoformat() if v.retrieved_at else None,
                "loaded_at": v.loaded_at.isoformat() if v.loaded_at else None,
                "allowed_older": entry.allowed_older,
                "accepted_checks": list(entry.accepted_checks),
                "added": _total(own, "added") if entry.previous_sha256 else None,
                "removed": _total(own, "removed") if entry.previous_sha256 else None,
                "revised": _total(own, "revised") if entry.previous_sha256 else None,
                "tables": [
                    {"table": c.table, "added": c.added, "removed": c.removed, "revised": c.revised, "note": c.note}
                    for c in own
                ],
                "files": [f.name for f in v.files],
            }
        )
    return out


def csv_row(record: dict[str, Any]) -> list[Any]:
    return [" ".join(record[c]) if c == "accepted_checks" else record[c] for c in CSV_COLUMNS]
