"""The metric catalogue: every figure canus computes, declared pillar by pillar.

This is the single answer to "what does this figure need, and is it there?". Pages list the
sources still to come from it, claims name their missing source from it, the API answers 503
from it and lists every metric from it. Needs map to sources through ``Source.tables``.
"""

from __future__ import annotations

import re
from functools import cache

import duckdb

from canus import sources
from canus.errors import CanusError
from canus.metrics.spec import MetricSpec, Need
from canus.pillars.border import catalogue as border
from canus.pillars.energy import catalogue as energy
from canus.pillars.environment import catalogue as environment
from canus.pillars.registry_tables import CATALOGUE as registry_metrics
from canus.pillars.trade import catalogue as trade

CATALOGUE: tuple[MetricSpec, ...] = (
    *border.METRICS,
    *trade.METRICS,
    *energy.METRICS,
    *environment.METRICS,
    *registry_metrics,
)
BY_ID: dict[str, MetricSpec] = {m.id: m for m in CATALOGUE}

_STATCAN = re.compile(r"^statcan_(\d{8})(?:_members)?$")
_FRED = re.compile(r"^fred_([a-z0-9]+)$")


class UnknownMetric(CanusError):
    def __init__(self, metric_id: str) -> None:
        super().__init__("Unknown metric {metric!r}; see /api/metrics", metric=metric_id)


def get(metric_id: str) -> MetricSpec:
    try:
        return BY_ID[metric_id]
    except KeyError:
        raise UnknownMetric(metric_id) from None


@cache
def _table_sources() -> dict[str, str]:
    return {t: s.id for s in sources.all_default() for t in s.tables}


def source_of_table(table: str) -> str:
    """The source that fills ``table``: a declared default source, or a family member."""
    found = _table_sources().get(table)
    if found:
        return found
    m = _STATCAN.match(table)
    if m:
        return f"statcan-{m.group(1)}"
    m = _FRED.match(table)
    if m:
        return f"fred-{m.group(1).upper()}"
    raise CanusError("No source declares the table {table!r}", table=table)


def loaded_tables(con: duckdb.DuckDBPyConnection | None) -> frozenset[str]:
    if con is None:
        return frozenset()
    return frozenset(
        r[0]
        for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'").fetchall()
    )


def _met(need: Need, loaded: frozenset[str]) -> bool:
    return need in loaded if isinstance(need, str) else any(t in loaded for t in need)


def _preferred(need: Need) -> str:
    return need if isinstance(need, str) else need[0]


def missing_tables(con: duckdb.DuckDBPyConnection | None, spec: MetricSpec) -> list[str]:
    loaded = loaded_tables(con)
    return [_preferred(n) for n in spec.needs if not _met(n, loaded)]


def missing_sources(con: duckdb.DuckDBPyConnection | None, spec: MetricSpec) -> list[str]:
    """Source ids whose tables ``spec`` needs and the warehouse lacks, in declaration order."""
    out: list[str] = []
    for table in missing_tables(con, spec):
        sid = source_of_table(table)
        if sid not in out:
            out.append(sid)
    return out


def available(con: duckdb.DuckDBPyConnection | None, metric_id: str) -> bool:
    return not missing_tables(con, get(metric_id)) if con is not None else False


def for_pillar(pillar: str) -> tuple[MetricSpec, ...]:
    return tuple(m for m in CATALOGUE if m.pillar == pillar)


def missing_for_pillar(con: duckdb.DuckDBPyConnection | None, pillar: str) -> list[str]:
    """Every source a pillar's metrics still wait for: the page's "data still to come" list."""
    out: list[str] = []
    for spec in for_pillar(pillar):
        for sid in missing_sources(con, spec):
            if sid not in out:
                out.append(sid)
    return out
