"""The FastAPI application: bilingual pages, their twins, charts and the API.

Routers from ``canus.web.routes_*`` modules (claims, trade, feedback …) are included
before the generic section routes, so a pillar can own its pages without touching this file.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

import canus.web
from canus.i18n import _
from canus.settings import Settings
from canus.web import api, pages
from canus.web.state import AppState
from canus.web.templating import render

STATIC = Path(__file__).parent / "static"


def _lang_of(path: str) -> str:
    return "fr" if path.startswith("/fr") else "en"


def create_app(settings: Settings | None = None) -> FastAPI:
    app = FastAPI(title="canus", docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")
    app.state.canus = AppState(settings)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    for info in sorted(pkgutil.iter_modules(canus.web.__path__), key=lambda i: i.name):
        if info.name.startswith("routes_"):
            module = importlib.import_module(f"canus.web.{info.name}")
            router = getattr(module, "router", None)
            if router is not None:
                app.include_router(router)
            # A module that needs the app itself (middleware) exposes ``install(app)``.
            install = getattr(module, "install", None)
            if install is not None:
                install(app)
    app.include_router(api.router)
    app.include_router(pages.router)
    importlib.import_module("canus.web.hardening").install(app)  # headers, HEAD, SQL pool, shutdown

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):  # type: ignore[no-untyped-def]
        lang = _lang_of(request.url.path)
        message = exc.detail if isinstance(exc.detail, str) else ""
        if request.url.path.startswith("/api/") or request.url.path.endswith(".json"):
            return JSONResponse({"error": message or _("Not found", lang), "status": exc.status_code},
                                status_code=exc.status_code, headers=getattr(exc, "headers", None))
        title = _("Page not found", lang) if exc.status_code == 404 else _("Error", lang)
        html = render("error.html", lang, title=title, message=message, status=exc.status_code,
                      page_path=request.url.path, version=None)
        return HTMLResponse(html, status_code=exc.status_code, headers=getattr(exc, "headers", None))

    return app
