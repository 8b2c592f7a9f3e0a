"""The tariff exposure calculator: its page in both languages and its API.

- ``/en/trade/exposure`` and ``/fr/commerce/exposition`` (HTML form and results);
- ``/api/trade/exposure`` (JSON) and ``/api/trade/exposure.csv``, with rates as query
  parameters: ``sections=C12:10,C19:25``, ``chapters=27:10,87:25``, ``default=0``,
  ``direction=exports|imports``, ``by=product|province|state``, ``year=2023``, ``lang=en|fr``,
  or ``rates=example`` for the example schedule shipped with canus.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response

from canus.i18n import LANGS, _
from canus.metrics import MetricTable
from canus.pillars.trade.exposure import (
    BY,
    DIRECTIONS,
    EXAMPLE_RATES,
    RateSchedule,
    RatesError,
    exposure,
    load_rates,
    schedule_from_params,
)
from canus.web.render.templating import render
from canus.web.render.twins import cached_response
from canus.web.state import AppState

router = APIRouter()


def _state(request: Request) -> AppState:
    return request.app.state.canus


def _schedule(params: dict[str, str]) -> RateSchedule:
    if params.get("rates") == "example":
        sched = load_rates(EXAMPLE_RATES)
        if params.get("direction") in DIRECTIONS:
            sched.direction = params["direction"]
        return sched
    return schedule_from_params(
        params.get("sections"), params.get("chapters"), params.get("default"), params.get("direction") or "exports"
    )


def _compute(request: Request, lang: str) -> MetricTable:
    params = dict(request.query_params)
    by = params.get("by") or "product"
    if by not in BY:
        raise HTTPException(400, _("by must be one of {choices}, not {value!r}", lang, choices=", ".join(BY), value=by))
    year_text = params.get("year") or ""
    if year_text and not year_text.isdigit():
        raise HTTPException(400, _("year must be a year such as 2023, not {value!r}", lang, value=year_text))
    con = _state(request).cursor()
    if con is None:
        raise HTTPException(503, _("No data published yet.", lang))
    try:
        return exposure(con, _schedule(params), year=int(year_text) if year_text else None, by=by)
    except RatesError as e:
        raise HTTPException(400, e.localized(lang)) from None


def _exposure_json(table: MetricTable, lang: str) -> dict[str, Any]:
    doc = table.to_json(lang)
    doc["year"] = int(table.summary["year"]) if table.summary.get("year", "None") != "None" else None
    doc["totals"] = {k: float(table.summary[k]) for k in ("value", "exposed", "duty") if k in table.summary}
    doc["direction"] = table.summary["direction"]
    doc["currency"] = table.summary["currency"]
    doc["limits"] = _("Static calculation: nobody is assumed to change what they buy or sell.", lang)
    return doc


@router.get("/api/trade/exposure")
def api_exposure(request: Request, lang: str = "en") -> Response:
    lang = lang if lang in LANGS else "en"
    table = _compute(request, lang)
    return cached_response(request, _state(request), "json", lambda: _exposure_json(table, lang))


@router.get("/api/trade/exposure.csv")
def api_exposure_csv(request: Request) -> Response:
    table = _compute(request, "en")
    return cached_response(request, _state(request), "csv", table.to_csv, filename="trade-exposure.csv")


def _exposure_page(request: Request, lang: str) -> Response:
    state = _state(request)
    params = dict(request.query_params)
    table = error = None
    if any(params.get(k) for k in ("sections", "chapters", "default", "rates")):
        try:
            table = _compute(request, lang)
        except HTTPException as e:
            error = str(e.detail)
    query = str(request.url.query)
    html = render(
        "trade/exposure.html",
        lang,
        title=_("Tariff exposure calculator", lang),
        table=table,
        error=error,
        params=params,
        by_choices=BY,
        page_path=request.url.path,
        version=state.version(),
        api_json=f"/api/trade/exposure?{query}&lang={lang}" if table else None,
        api_csv=f"/api/trade/exposure.csv?{query}" if table else None,
        totals=table.summary if table else {},
    )
    return Response(html, media_type="text/html; charset=utf-8", status_code=400 if error else 200)


@router.get("/en/trade/exposure", include_in_schema=False)
def exposure_en(request: Request) -> Response:
    return _exposure_page(request, "en")


@router.get("/fr/commerce/exposition", include_in_schema=False)
def exposure_fr(request: Request) -> Response:
    return _exposure_page(request, "fr")
