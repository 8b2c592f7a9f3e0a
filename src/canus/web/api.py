"""The JSON/CSV API: sources, data version, metrics and read-only SQL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, Response

from canus import sources
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
                "files": v.get("files", []),
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



@router.get("/query", responses={
    400: {"description": "Empty, refused or failed SQL, or the time limit was reached."},
    503: {"description": "No warehouse yet, or every query worker is busy (see Retry-After)."},
})
async def query(request: Request, sql: str = Query(..., max_length=10_000),
                limit: int = Query(1000, ge=1, le=10_000)) -> dict[str, Any]:
    """Read-only SQL (no writes, files, network or extensions), bounded in time, memory and rows.

    At most ``limit`` rows come back; ``truncated`` says whether there were more.
    """
    import asyncio

    from canus.query import QueryBusy
    from canus.web.hardening import query_pool

    try:
        job = query_pool(request.app).submit(sql, max_rows=limit)
    except QueryError as e:
        raise HTTPException(400, str(e)) from None
    except QueryBusy as e:
        raise HTTPException(503, str(e), headers={"Retry-After": "5"}) from None
    waiting = asyncio.wrap_future(job.future)
    try:
        while True:
            done, _ = await asyncio.wait({waiting}, timeout=0.1)
            if done:
                break
            if await request.is_disconnected():
                # Nobody waits for the answer any more: free the worker now.
                job.cancel()
                return {"columns": [], "rows": [], "truncated": False}
        result = waiting.result()
    except asyncio.CancelledError:
        job.cancel()
        raise
    except QueryError as e:
        raise HTTPException(400, str(e)) from None
    except QueryBusy as e:
        raise HTTPException(503, str(e), headers={"Retry-After": "5"}) from None
    except CanusError as e:
        # e.g. no warehouse yet: said without the machine's path.
        raise HTTPException(503, query_pool(request.app).scrub(str(e))) from None
    return {"columns": result.columns, "rows": result.rows, "truncated": result.truncated}
