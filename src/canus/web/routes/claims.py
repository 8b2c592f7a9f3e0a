"""Claims pages and API: ``/api/claims`` (JSON, ``.csv``), ``/<lang>/claims`` (index),
``/<lang>/claims/<id>`` (one claim), ``/<lang>/claims/editions`` (the two editions compared).
French pages live under ``/fr/affirmations``."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from canus.claims.checker import Result, check_all
from canus.claims.editions import as_dict as editions_dict
from canus.claims.models import load_claims
from canus.web.render.templating import render
from canus.web.state import AppState

router = APIRouter()
SLUG = {"en": "claims", "fr": "affirmations"}
CSV_COLUMNS = (
    "id",
    "editions",
    "verdict",
    "figure_value",
    "figure_unit",
    "figure_period",
    "qualifier",
    "value",
    "period",
    "latest_value",
    "latest_period",
    "changed_since",
    "basis",
    "source_ids",
    "vintage",
    "tolerance",
    "missing_source",
    "statement",
)


def results(state: AppState) -> list[Result]:
    """Every claim checked against the published data, once per data version."""
    return state.cached(("claims",), lambda: check_all(state.cursor()))


def _results(request: Request) -> list[Result]:
    return results(request.app.state.canus)


def claim_url(claim_id: str, lang: str) -> str:
    return f"/{lang}/{SLUG[lang]}/{claim_id}"


def badge(r: Result, lang: str) -> dict[str, str]:
    """What ``templates/claims/_badge.html`` shows for one claim."""
    from canus.claims.display import ICONS

    return {
        "id": r.claim.id,
        "verdict": r.verdict,
        "label": r.verdict_label(lang),
        "icon": ICONS[r.verdict],
        "url": claim_url(r.claim.id, lang),
        "statement": r.claim.statement.get(lang),
    }


def badges(state: AppState, lang: str) -> dict[str, dict[str, str]]:
    """Claim id → badge, for section pages that set ``KeyFigure.claim_id``."""
    return {r.claim.id: badge(r, lang) for r in results(state)}


def section_claims(state: AppState, section_id: str, lang: str) -> list[dict[str, Any]]:
    """The page's statements that belong to one portal section, as its page and twin show them."""
    from canus.claims.display import portal_section

    out = []
    for r in results(state):
        if portal_section(r.claim.section) != section_id:
            continue
        d = r.as_dict(lang)
        out.append(
            {
                "id": d["id"],
                "statement": d["statement"],
                "editions": d["editions"],
                "verdict": d["verdict"],
                "verdict_label": d["verdict_label"],
                "basis": d["basis"],
                "basis_label": d["basis_label"],
                "figure_text": d["figure_text"],
                "figure_period": d["figure"]["period"],
                "value": d["value"],
                "value_text": d["value_text"],
                "period": d["period"],
                "latest_value": d["latest_value"],
                "latest_value_text": d["latest_value_text"],
                "latest_period": d["latest_period"],
                "changed_since": d["changed_since"],
                "missing_source": d["missing_source"],
                "context": d["context"],
                "url": claim_url(r.claim.id, lang),
                "badge": badge(r, lang),
            }
        )
    return out


def _lang(request: Request, lang: str) -> str:
    if lang not in SLUG:
        raise HTTPException(404)
    return lang


@router.get("/api/claims")
def api_claims(request: Request, lang: str = "en") -> JSONResponse:
    lang = lang if lang in SLUG else "en"
    return JSONResponse([r.as_dict(lang) for r in _results(request)])


@router.get("/api/claims.csv")
def api_claims_csv(request: Request, lang: str = "en") -> Response:
    lang = lang if lang in SLUG else "en"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in _results(request):
        d = r.as_dict(lang)
        fig = d["figure"]
        w.writerow(
            [
                d["id"],
                ";".join(d["editions"]),
                d["verdict"],
                fig["value"],
                fig["unit"],
                fig["period"],
                fig["qualifier"],
                _blank(d["value"]),
                _blank(d["period"]),
                _blank(d["latest_value"]),
                _blank(d["latest_period"]),
                str(d["changed_since"]).lower(),
                d["basis"],
                ";".join(d["source_ids"]),
                ";".join(f"{k}={v}" for k, v in d["vintage"].items() if v),
                _blank(d["tolerance"]),
                _blank(d["missing_source"]),
                d["statement"],
            ]
        )
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8")


@router.get("/api/claims/editions")
def api_editions(lang: str = "en") -> JSONResponse:
    return JSONResponse(editions_dict(lang if lang in SLUG else "en"))


def _blank(v: Any) -> Any:
    return "" if v is None else v


def _page(request: Request, lang: str, template: str, **ctx: Any) -> HTMLResponse:
    state = request.app.state.canus
    return HTMLResponse(
        render(template, lang, page_path=request.url.path, version=state.version(), slug=SLUG[lang], **ctx)
    )


for _lg, _slug in SLUG.items():

    def _make(lg: str, slug: str) -> None:
        @router.get(f"/{lg}/{slug}", response_class=HTMLResponse, name=f"claims-index-{lg}")
        def index(request: Request) -> HTMLResponse:
            results = _results(request)
            return _page(
                request,
                lg,
                "claims/index.html",
                results=results,
                title=_title(lg),
                rows=[r.as_dict(lg) for r in results],
                badges={r.claim.id: badge(r, lg) for r in results},
            )

        @router.get(f"/{lg}/{slug}/editions", response_class=HTMLResponse, name=f"claims-editions-{lg}")
        def editions(request: Request) -> HTMLResponse:
            return _page(request, lg, "claims/editions.html", data=editions_dict(lg), title=_editions_title(lg))

        @router.get(f"/{lg}/{slug}/{{claim_id}}", response_class=HTMLResponse, name=f"claims-one-{lg}")
        def one(request: Request, claim_id: str) -> HTMLResponse:
            if claim_id not in {c.id for c in load_claims()}:
                raise HTTPException(404)
            r = next(x for x in _results(request) if x.claim.id == claim_id)
            d = r.as_dict(lg)
            return _page(
                request,
                lg,
                "claims/claim.html",
                claim=d,
                title=d["statement"],
                badge=badge(r, lg),
                method_section=_method_section(r, lg),
            )

    _make(_lg, _slug)


def _method_section(r: Result, lang: str) -> str | None:
    """The section page that shows an estimate's table, definition and method note."""
    if r.claim.check.basis != "estimate":
        return None
    from canus.web.page import sections

    return sections.path_for(r.claim.section, lang) if r.claim.section in sections.BY_ID else None


def _title(lang: str) -> str:
    from canus.i18n import _

    return _("Claims checked", lang)


def _editions_title(lang: str) -> str:
    from canus.i18n import _

    return _("The two editions of the page compared", lang)
