"""The FastAPI application: bilingual pages, their twins, charts and the API.

Every router is listed here, in order: the specific ones (assets, claims, feedback, a
pillar's own pages) before the generic section routes, which would otherwise answer first.
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from canus.i18n import _
from canus.pillars.trade import routes as trade_routes
from canus.settings import Settings
from canus.web import hardening
from canus.web.render.templating import render
from canus.web.routes import api, apidocs, assets, claims, feedback, portal, redirects
from canus.web.state import AppState

STATIC = Path(__file__).parent / "static"
ROUTERS = (
    apidocs.router,
    assets.router,
    claims.router,
    feedback.router,
    redirects.router,
    trade_routes.router,
    api.router,
    portal.router,
)
#: Run in the background when a new data version appears, ahead of the first reader.
WARMERS = (portal.warm_sections,)


def _lang_of(path: str) -> str:
    return "fr" if path.startswith("/fr") else "en"


def create_app(settings: Settings | None = None) -> FastAPI:
    app = FastAPI(title="canus", docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")
    app.state.canus = AppState(settings, warmers=WARMERS)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    # The report form's token middleware needs the app itself.
    feedback.install(app)
    # Swagger UI served by canus (no CDN) and a schema with summaries written for people.
    apidocs.install(app)
    hardening.install(app)  # headers, HEAD, the SQL pool, shutdown

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        lang = _lang_of(request.url.path)
        # Starlette fills a missing detail with the English reason phrase ("Not Found"): the
        # page's own title says that in the reader's language.
        phrase = HTTPStatus(exc.status_code).phrase
        message = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else ""
        if request.url.path.startswith("/api/") or request.url.path.endswith(".json"):
            return JSONResponse(
                {
                    "error": message or (_("Not found", lang) if exc.status_code == 404 else phrase),
                    "status": exc.status_code,
                },
                status_code=exc.status_code,
                headers=getattr(exc, "headers", None),
            )
        title = _("Page not found", lang) if exc.status_code == 404 else _("Error", lang)
        html = render(
            "error.html",
            lang,
            title=title,
            message=message,
            status=exc.status_code,
            page_path=request.url.path,
            version=None,
        )
        return HTMLResponse(html, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    return app
