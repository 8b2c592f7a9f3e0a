"""What keeps the portal safe to expose: security headers, HEAD, bounded SQL and a clean shutdown.

``install(app)`` (called once by ``create_app``) adds one ASGI middleware, outermost, that

* answers HEAD on every GET route (the GET response without its body);
* adds security headers to every answer: a Content-Security-Policy allowing only canus's own
  scripts, ``X-Content-Type-Options``, ``Referrer-Policy``, and ``frame-ancestors``: chart
  embeds may be framed by anyone (that is what they are for); no other page may be framed,
  so the report form and the admin page cannot be click-jacked;

and registers the shutdown that interrupts running SQL queries and stops the page warm-up.
It also completes the OpenAPI document with the error answers every API route can give.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from fastapi import FastAPI

from canus.query import QueryPool
from canus.settings import Settings

#: Vega compiles chart expressions with ``Function`` (hence 'unsafe-eval'); it and the
#: server-rendered SVGs set inline styles. Scripts still come only from this site.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors {frame}"
)
#: Chart pages and their SVG are made to be embedded elsewhere (/en/charts/…, /fr/graphiques/…).
FRAMEABLE = re.compile(r"^/(?:en|fr)/(?:charts|graphiques)/[^/]+$")
ERROR_SCHEMA = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
    "required": ["error", "status"],
}
#: Answers any API route may give besides its own: a bad parameter, an unknown name, a body or
#: query too large, too many requests, no data yet or every query worker busy.
COMMON_ERRORS = {
    "400": "Bad request: a parameter is not valid (e.g. lang must be en or fr; empty SQL).",
    "404": "Not found: unknown name.",
    "413": "Request too large.",
    "429": "Too many requests: wait for the time given in Retry-After.",
    "503": "No data yet, or every query worker is busy: see Retry-After.",
}


class Hardening:
    """Pure ASGI middleware: HEAD as GET without a body, and security headers on every answer."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        frame = "*" if FRAMEABLE.match(scope["path"]) else "'none'"

        async def wrapped(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"strict-origin-when-cross-origin"),
                    (b"content-security-policy", CSP.format(frame=frame).encode()),
                ]
                if frame == "'none'":
                    extra.append((b"x-frame-options", b"DENY"))
                headers += [(k, v) for k, v in extra if k not in present]
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and head:
                # Same headers (Content-Length included) as the GET, no body.
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, wrapped)


_pool_lock = threading.Lock()


def query_pool(app: Any) -> QueryPool:
    """The app's SQL workers, started on first use (a server that never gets SQL starts none)."""
    pool = getattr(app.state, "query_pool", None)
    if pool is None:
        with _pool_lock:
            pool = getattr(app.state, "query_pool", None)
            if pool is None:
                pool = app.state.query_pool = QueryPool(app.state.canus.settings)
    return pool


def shutdown(app: Any) -> None:
    """Interrupt running queries, stop the workers and the page warm-up, and wait for them."""
    pool = getattr(app.state, "query_pool", None)
    if pool is not None:
        pool.close()
        app.state.query_pool = None
    state = getattr(app.state, "canus", None)
    if state is not None and hasattr(state, "close"):
        state.close()


def _openapi_with_errors(app: FastAPI) -> Any:
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None and app.openapi_schema.get("x-canus-errors"):
            return app.openapi_schema
        schema = original()
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for ops in schema.get("paths", {}).values():
            for op in ops.values():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                for status, text in COMMON_ERRORS.items():
                    op["responses"].setdefault(
                        status,
                        {
                            "description": text,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                        },
                    )
                op["responses"].setdefault("304", {"description": "Not modified (the ETag matched)."})
        schema["x-canus-errors"] = True
        app.openapi_schema = schema
        return schema

    return openapi


def install(app: FastAPI) -> None:
    app.add_middleware(Hardening)
    app.router.on_shutdown.append(lambda: shutdown(app))
    app.openapi = _openapi_with_errors(app)  # type: ignore[method-assign]


def stop_queries(app: Any) -> None:
    """Refuse new queries and interrupt the running ones, without waiting (from a signal handler)."""
    pool = getattr(app.state, "query_pool", None)
    if pool is not None:
        pool.stop()


def run_server(host: str, port: int, settings: Settings) -> None:
    """``canus serve``: uvicorn, with SIGTERM/SIGINT interrupting running queries at once, so
    the requests waiting for them answer and the server stops within a few seconds."""
    import uvicorn

    from canus.web.app import create_app

    app = create_app(settings)

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            stop_queries(app)
            super().handle_exit(sig, frame)

    # Access log on: one line per request (client, method, path, status).
    config = uvicorn.Config(
        app, host=host, port=port, log_level="info", access_log=True, workers=1, **uvicorn_options(settings)
    )
    Server(config).run()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """Proxy headers are trusted only from the proxy a setting names (uvicorn trusts loopback by
    default, which let any local client claim any address); SIGTERM ends within a few seconds."""
    proxies = [p.strip() for p in (settings.proxy or "").split(",") if p.strip()]
    return {
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": ",".join(proxies) if proxies else "",
        "timeout_graceful_shutdown": 3,
    }
