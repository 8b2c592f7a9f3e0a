"""The JSON/CSV API: sources, data version, metrics and read-only SQL."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from fastapi.responses import JSONResponse

from canus import sources
from canus.errors import CanusError, QueryError
from canus.i18n import UnknownLanguage, _, check_lang
from canus.metrics import catalogue
from canus.metrics.spec import MetricSpec
from canus.web.render.twins import cached_response, split_ext
from canus.web.state import AppState

router = APIRouter(prefix="/api")


def _state(request: Request) -> AppState:
    return request.app.state.canus


def _lang(lang: str) -> str:
    try:
        return check_lang(lang)
    except UnknownLanguage:
        # The reader's language is the unknown: the answer says it in both.
        raise HTTPException(
            400, " / ".join(_("Unknown language {lang!r}: use en or fr", ln, lang=lang) for ln in ("en", "fr"))
        ) from None


@router.get("/version")
def version(request: Request) -> dict[str, Any]:
    state = _state(request)
    v = state.version()
    return {"data_version": v.data_version, "built_at": v.built_at, "warming": state.warming.is_set()}


@router.get("/sources")
def list_sources(request: Request, lang: str = "en") -> Response:
    lang = _lang(lang)
    state = _state(request)

    def make() -> list[dict[str, Any]]:
        versions = state.versions()
        out = []
        for src in sources.listed(versions):
            v = versions.get(src.id)
            out.append(
                {
                    "id": src.id,
                    "title": src.text("title", lang),
                    "publisher": src.text("publisher", lang),
                    "licence": src.licence.name[lang],
                    "licence_url": src.licence.url,
                    "landing_url": src.landing_url,
                    "description": src.text("description", lang),
                    "rows": v.rows if v else None,
                    "as_of": v.as_of if v else None,
                    "release": _iso(v.release) if v else None,
                    "retrieved_at": _iso(v.retrieved_at) if v else None,
                    "sha256": v.sha256 if v else None,
                    "files": [dataclasses.asdict(f) for f in v.files] if v else [],
                    "history": f"/api/sources/{src.id}/history",
                }
            )
        return out

    return cached_response(request, state, "json", make)


def _iso(v: object) -> object:
    return v.isoformat() if isinstance(v, dt.datetime | dt.date) else v


def _spec_json(spec: MetricSpec, lang: str, con: Any) -> dict[str, Any]:
    missing = catalogue.missing_sources(con, spec) if con is not None else None
    return {
        "id": spec.id,
        "pillar": spec.pillar,
        "title": _(spec.title, lang),
        "definition": _(spec.definition, lang),
        "unit": spec.unit,
        "basis": spec.basis,
        "needs": [n if isinstance(n, str) else list(n) for n in spec.needs],
        "columns": list(spec.columns),
        "available": missing == [] if con is not None else False,
        "missing_sources": missing
        if missing is not None
        else [catalogue.source_of_table(t) for t in catalogue.missing_tables(None, spec)],
        "url": f"/api/metrics/{spec.id}",
    }


@router.get("/metrics", summary="Every metric canus computes, with what each needs")
def list_metrics(request: Request, lang: str = "en") -> Response:
    lang = _lang(lang)
    state = _state(request)
    con = state.cursor()
    return cached_response(request, state, "json", lambda: [_spec_json(m, lang, con) for m in catalogue.CATALOGUE])


@router.get(
    "/metrics/{name}",
    summary="One metric's rows with its definition, basis, unit and sources",
    responses={
        404: {"description": "Unknown metric"},
        503: {"description": "The tables this metric needs are not loaded yet"},
    },
)
def metric(request: Request, name: str, lang: str = "en") -> Response:
    lang = _lang(lang)
    metric_id, kind = split_ext(name)
    spec = catalogue.BY_ID.get(metric_id)
    if spec is None:
        raise HTTPException(404, _("Unknown metric {metric!r}; see /api/metrics", lang, metric=metric_id))
    state = _state(request)
    con = state.cursor()
    missing = catalogue.missing_sources(con, spec)
    if con is None or missing:
        return JSONResponse(
            {
                "error": _(
                    "No data yet for {metric}: it waits for {sources}. Run 'canus update'.",
                    lang,
                    metric=metric_id,
                    sources=", ".join(missing),
                ),
                "status": 503,
                "metric": metric_id,
                "missing_sources": missing,
            },
            status_code=503,
            headers={"Retry-After": "3600"},
        )
    table = state.cached(("metric", metric_id, lang if spec.basis == "registry" else ""), lambda: spec.fn(con, lang))
    if table is None:
        return JSONResponse(
            {
                "error": _("This metric has no data yet.", lang),
                "status": 503,
                "metric": metric_id,
                "missing_sources": [],
            },
            status_code=503,
        )
    if kind == "csv":
        return cached_response(request, state, "csv", table.to_csv, filename=f"{metric_id}.csv")
    return cached_response(
        request,
        state,
        "json",
        lambda: {
            **table.to_json(lang),
            "unit": spec.unit,
            "basis": spec.basis,
            "needs": [n if isinstance(n, str) else list(n) for n in spec.needs],
        },
    )


@router.get(
    "/query",
    summary="Read-only SQL on the warehouse, bounded in time, memory and rows",
    responses={
        400: {"description": "Empty, refused or failed SQL, or the time limit was reached."},
        503: {"description": "No warehouse yet, or every query worker is busy (see Retry-After)."},
    },
)
async def query(
    request: Request, sql: str = Query(..., max_length=10_000), limit: int = Query(1000, ge=1, le=10_000)
) -> dict[str, Any]:
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
            done, _pending = await asyncio.wait({waiting}, timeout=0.1)
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


@router.get(
    "/sources/{source_id}/{name}",
    summary="Every published version of a source and what each changed",
    responses={404: {"description": "Unknown source"}, 503: {"description": "No data published yet"}},
)
def source_history(request: Request, source_id: str, name: str, lang: str = "en") -> Response:
    """Every published version of a source, newest first, with what each added, removed and revised."""
    from canus.history import CSV_COLUMNS, csv_row, history_records

    lang = _lang(lang)
    if name not in ("history", "history.csv"):
        raise HTTPException(404, _("A source's history is at /api/sources/<id>/history (or .csv)", lang))
    try:
        sources.get(source_id)
    except CanusError:
        raise HTTPException(404, _("Unknown source {source!r}; see /api/sources", lang, source=source_id)) from None
    state = _state(request)
    con = state.cursor()
    if con is None:
        raise HTTPException(503, _("No data yet: run 'canus update'", lang))

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


# Last route of the API router (included before the portal's /{lang}/… pages); GET and HEAD
# only, so another method on a known address stays a 405.
@router.api_route("/{rest:path}", methods=["GET", "HEAD"], include_in_schema=False)
def unknown_address(rest: str, lang: str = "en") -> Response:
    """Any other /api/ address: a 404 that points to the list of addresses."""
    lang = _lang(lang)
    raise HTTPException(404, _("No API address /api/{rest}; every address is listed at /api/docs", lang, rest=rest))
