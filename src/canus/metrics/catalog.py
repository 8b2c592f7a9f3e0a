"""Every named metric, by id, for the API and the command line."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from canus.metrics import MetricTable, border

MetricFn = Callable[[duckdb.DuckDBPyConnection], MetricTable]

METRICS: dict[str, tuple[MetricFn, tuple[str, ...]]] = {
    "border-yearly": (border.yearly, ("border_crossings",)),
    "border-monthly": (border.monthly, ("border_crossings",)),
    "border-ports": (border.busiest_ports, ("border_crossings", "ports")),
}


def register_metric(metric_id: str, fn: MetricFn, tables: tuple[str, ...]) -> None:
    METRICS[metric_id] = (fn, tables)
