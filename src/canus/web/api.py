"""The JSON/CSV API: sources, data version, metrics and read-only SQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, Response

from canus import sources
from canus.data_versions import DataVersion
from canus.errors import CanusError, QueryError
from canus.metrics import has_tables
from canus.metrics.catalog import METRICS
from canus.web.state import AppState
from canus.web.twins import cached_response, split_ext

router = APIRouter(prefix="/api")


def _state(request: Request) -> AppState:
    return request.app.state.canus


def _lang(lang: str) -> str:
    if lang not in ("en", "fr"):
        raise HTTPException(400, "lang must be en or fr")
    return lang


@router.get("/version")
def version(request: Request) -> dict[str, Any]:
    state = _state(request)
    v = state.version()
    return {"data_version": v.data_version, "built_at": v.built_at,
            "warming": state.warming.is_set()}


@router.get("/sources")
def list_sources(request: Request, lang: str = "en") -> Response:
    lang = _lang(lang)
    state = _state(request)

    def make() -> list[dict[str, Any]]:
        versions = state.versions()
        out = []
        for src in sources.all_default():
            v = versions.get(src.id, {})
            out.append({
                "id": src.id,
                "title": src.text("title", lang),
                "publisher": src.text("publisher", lang),
                "licence": src.licence.name[lang],
                "licence_url": src.licence.url,
                "landing_url": src.landing_url,
                "description": src.text("description", lang),
                "rows": v.get("rows"),
                "as_of": v.get("as_of"),
                "retrieved_at": _iso(v.get("retrieved_at")),
                "sha256": v.get("sha256"),
                "files": [dataclasses.asdict(f) for f in v.files] if isinstance(v, DataVersion) else [],
            })
        return out

    return cached_response(request, state, "json", make)


def _iso(v: object) -> object:
    return v.isoformat() if isinstance(v, dt.datetime | dt.date) else v


@router.get("/metrics")
def list_metrics() -> list[str]:
    return sorted(METRICS)


@router.get("/metrics/{name}")
def metric(request: Request, name: str, lang: str = "en") -> Response:
    lang = _lang(lang)
    metric_id, kind = split_ext(name)
    if metric_id not in METRICS:
        raise HTTPException(404, f"unknown metric {metric_id!r}; see /api/metrics")
    fn, tables = METRICS[metric_id]
    state = _state(request)
    con = state.cursor()
    if con is None or not has_tables(con, *tables):
        raise HTTPException(503, f"no data yet for {metric_id}: run 'canus update'")
    table = state.cached(("metric", metric_id), lambda: fn(con))
    if kind == "csv":
        return cached_response(request, state, "csv", table.to_csv, filename=f"{metric_id}.csv")
    return cached_response(request, state, "json", lambda: table.to_json(lang))



@router.get("/query")
def query(sql: str = Query(..., max_length=10_000), limit: int = Query(1000, ge=1, le=10_000)) -> dict[str, Any]:
    """Read-only SQL (no writes, files, network or extensions)."""
    from canus.query import plain, run_query

    try:
        header, rows = run_query(sql, max_rows=limit)
    except QueryError as e:
        raise HTTPException(400, str(e)) from None
    except CanusError as e:
        raise HTTPException(503, str(e)) from None
    return {"columns": header, "rows": [[plain(v) for v in r] for r in rows]}


@router.get("/sources/{source_id}/{name}")
def source_history(request: Request, source_id: str, name: str) -> Response:
    """Every published version of a source, newest first, with what each added, removed and revised."""
    import csv
    import io

    from canus.history import CSV_COLUMNS, csv_row, history_records

    if name not in ("history", "history.csv"):
        raise HTTPException(404, "see /api/sources/<id>/history or /api/sources/<id>/history.csv")
    try:
        sources.get(source_id)
    except CanusError:
        raise HTTPException(404, f"unknown source {source_id!r}; see /api/sources") from None
    state = _state(request)
    con = state.cursor()
    if con is None:
        raise HTTPException(503, "no data yet: run 'canus update'")

    def records() -> list[dict[str, Any]]:
        return history_records(con, source_id)

    if name.endswith(".csv"):
        def as_csv() -> str:
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(CSV_COLUMNS)
            w.writerows(csv_row(r) for r in records())
            return buf.getvalue()

        return cached_response(request, state, "csv", as_csv, filename=f"{source_id}-history.csv")
    return cached_response(request, state, "json", records)
