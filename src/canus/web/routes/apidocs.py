"""The API documentation, offline: Swagger UI 5, from the ``swagger-ui-bundle-v2`` package, served by canus.

``install(app)`` replaces FastAPI's own ``/api/docs`` (which loads Swagger UI from a CDN and so
shows a blank page without network) and post-processes the OpenAPI schema: every operation gets
a summary written for people (declared in :data:`SUMMARIES`; a missing one fails
``tests/test_api_docs.py``), HTML pages stay out of it, and the page twins (``.json``, ``.csv``)
are documented, since they are routes of the portal rather than of the API router.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.routing import Mount

router = APIRouter()

#: (method, path) → (summary, description). Written for a reader, not generated from names.
SUMMARIES: dict[tuple[str, str], tuple[str, str]] = {
    ("GET", "/api/version"): (
        "Data version and build time",
        "Which published warehouse answers, when it was built, and whether the server is still preparing pages.",
    ),
    ("GET", "/api/sources"): (
        "Every source with its licence and vintage",
        "Publisher, licence, landing page, rows, the period the data runs to, "
        "when it was retrieved and the sha256 of each file. `lang=en|fr`.",
    ),
    ("GET", "/api/metrics"): (
        "Every metric canus computes, with what each needs",
        "The declared catalogue: id, title, definition, unit, basis (measured, "
        "proxy, estimate, registry), the tables it needs, whether they are "
        "loaded and which sources are still missing. `lang=en|fr`.",
    ),
    ("GET", "/api/metrics/{name}"): (
        "One metric as a table with its sources",
        "Rows, typed columns, definition, unit, basis and provenance. Add "
        "`.csv` to the name for CSV. 503 names the sources it waits for. "
        "`lang=en|fr` for labels.",
    ),
    ("GET", "/api/sources/{source_id}/{name}"): (
        "Every published version of a source and what each changed",
        "`/api/sources/<id>/history` (or `history.csv`): each version published, newest first, with "
        "its sha256, rows, as-of period, release, retrieval and load times, whether it was loaded "
        "on purpose as an older vintage or past the publish gate, and the rows it added, removed "
        "and revised.",
    ),
    ("GET", "/api/query"): (
        "Read-only SQL on the warehouse",
        "One SELECT statement; no writes, files, network or extensions. At most `limit` rows.",
    ),
    ("GET", "/api/claims"): (
        "Every claim of the page with its verdict",
        "Each figure the Government of Canada page states, checked against the "
        "data: verdict, value, period, sources. `lang=en|fr`.",
    ),
    ("GET", "/api/claims.csv"): ("Every claim with its verdict, as CSV", "The same rows as `/api/claims`, as CSV."),
    ("GET", "/api/claims/editions"): (
        "The two editions of the page compared",
        "Which figures each edition states and how they changed.",
    ),
    ("GET", "/api/trade/exposure"): (
        "Exposure of trade to a tariff schedule",
        "Canadian exports to the US by product section, with the duty a "
        "given schedule of rates would put on them. Says which tables "
        "are missing when it cannot compute.",
    ),
    ("GET", "/api/trade/exposure.csv"): (
        "Exposure of trade to a tariff schedule, as CSV",
        "The same rows as `/api/trade/exposure`, as CSV.",
    ),
}

#: The portal's page twins, documented here because they are served by the page routes.
TWINS: dict[str, dict[str, Any]] = {
    "/{lang}/{page}.json": {
        "get": {
            "summary": "A page as JSON: its figures, tables and sources",
            "description": "Every key figure (with its source and date) and every table of the page, "
            "with `rows` as stored and `rows_as_shown` rounded as the page shows them. "
            "`lang` is `en` or `fr`; `page` is the page's slug in that language "
            "(`border`/`frontiere`, `trade`/`commerce` …). The overview is `/{lang}/.json`.",
            "tags": ["Page twins"],
            "parameters": [
                {"name": "lang", "in": "path", "required": True, "schema": {"type": "string", "enum": ["en", "fr"]}},
                {"name": "page", "in": "path", "required": True, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {"description": "The page's data", "content": {"application/json": {}}},
                "404": {"description": "No such page"},
            },
        }
    },
    "/{lang}/{page}.csv": {
        "get": {
            "summary": "A page as CSV: every table, rounded as shown, then its sources",
            "description": "For each table a title line, the column names and the rows; then the "
            "sources (publisher, title, licence, period, address).",
            "tags": ["Page twins"],
            "parameters": [
                {"name": "lang", "in": "path", "required": True, "schema": {"type": "string", "enum": ["en", "fr"]}},
                {"name": "page", "in": "path", "required": True, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {"description": "The page's tables", "content": {"text/csv": {}}},
                "404": {"description": "No such page, or no data yet"},
            },
        }
    },
    "/{lang}/{charts}/{chart}.json": {
        "get": {
            "summary": "One chart's data as JSON",
            "description": "The table a chart draws, with its summary, text alternative and sources. "
            "`charts` is `charts` in English, `graphiques` in French; `.csv`, `.svg` "
            "(with title, source and date) and `.vl.json` (Vega-Lite) also exist.",
            "tags": ["Page twins"],
            "parameters": [
                {"name": "lang", "in": "path", "required": True, "schema": {"type": "string", "enum": ["en", "fr"]}},
                {
                    "name": "charts",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "enum": ["charts", "graphiques"]},
                },
                {"name": "chart", "in": "path", "required": True, "schema": {"type": "string"}},
            ],
            "responses": {
                "200": {"description": "The chart's data", "content": {"application/json": {}}},
                "404": {"description": "No such chart, or no data yet"},
            },
        }
    },
}


def _bundle_dir() -> Path | None:
    try:
        import swagger_ui_bundle
    except ImportError:
        return None
    return Path(swagger_ui_bundle.swagger_ui_path)


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>canus API – documentation</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<main id="swagger-ui"><h1>canus API</h1><p>Loading the documentation…
The schema itself is at <a href="/api/openapi.json">/api/openapi.json</a>.</p></main>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script>
</body>
</html>
"""

INIT = """window.ui = SwaggerUIBundle({url: "/api/openapi.json", dom_id: "#swagger-ui",
  deepLinking: true, presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"});
"""


@router.get("/api/docs", include_in_schema=False)
def docs() -> HTMLResponse:
    if _bundle_dir() is None:
        return HTMLResponse(
            '<!DOCTYPE html><html lang="en"><title>canus API</title><p>Swagger UI is not '
            "installed (pip install swagger-ui-bundle-v2); the schema is at "
            '<a href="/api/openapi.json">/api/openapi.json</a>.</p></html>',
            status_code=503,
        )
    return HTMLResponse(PAGE)


@router.get("/api/docs/init.js", include_in_schema=False)
def docs_init() -> HTMLResponse:
    return HTMLResponse(INIT, media_type="application/javascript")


def schema(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI schema: API operations only, each with its human summary, plus the twins."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(
        title="canus API",
        version=app.version,
        description="Official open data of Canada and the United States on their "
        "relationship: sources, metrics, checked claims, read-only SQL. "
        "Every figure carries its source, licence and as-of date. "
        "Pages of the portal have `.json` and `.csv` twins (below).",
        routes=app.routes,
    )
    paths: dict[str, Any] = {}
    for path, ops in doc.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue  # HTML pages are not part of the API
        for method, op in ops.items():
            summary = SUMMARIES.get((method.upper(), path))
            if summary is not None:
                op["summary"], op["description"] = summary
        paths[path] = ops
    paths.update(TWINS)
    doc["paths"] = paths
    app.openapi_schema = doc
    return doc


def install(app: FastAPI) -> None:
    # FastAPI's own page loads Swagger UI from a CDN: blank without network. Ours replaces it.
    app.router.routes = [
        r for r in app.router.routes if getattr(r, "path", None) not in ("/api/docs", "/api/docs/oauth2-redirect")
    ]
    folder = _bundle_dir()
    if folder is not None:
        # First, ahead of the API router's catch-all for unknown /api/ addresses.
        app.router.routes.insert(0, Mount("/api/docs/assets", StaticFiles(directory=folder), name="swagger-ui"))
    app.openapi = lambda: schema(app)  # type: ignore[method-assign]
