"""The "Report a problem on this page" form: receive, thank, refuse politely, and read (admin).

Every page carries the form at its bottom. Pages are cached and shared between readers, so
the CSRF token cannot be baked into them: they carry a fixed-length placeholder that
:class:`CsrfTokens` (an ASGI middleware) swaps for the reader's own token on the way out,
paired with a cookie (double-submit, signed with the store's secret). Same length, so the
cached body, its Content-Length and its ETag stay valid.
"""

from __future__ import annotations

import re
import threading
import time
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from canus.i18n import _, fmt_number
from canus.web.feedback.store import (
    KINDS,
    MAX_BODY,
    MAX_DETAILS,
    PLACEHOLDER,
    FeedbackError,
    FeedbackStore,
    FeedbackUnavailable,
    admin_token_ok,
)
from canus.web.page import sections
from canus.web.render.templating import render

router = APIRouter()
COOKIE = "canus_csrf"


def _store(request: Request) -> FeedbackStore:
    state = request.app.state
    store = getattr(state, "feedback", None)
    if store is None:
        store = state.feedback = FeedbackStore(state.canus.settings)
    return store


def _cookie(headers: list[tuple[bytes, bytes]]) -> str | None:
    for k, v in headers:
        if k == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(v.decode("latin-1"))
            except Exception:  # a malformed cookie header is the client's problem, not ours
                return None
            if COOKIE in jar:
                return jar[COOKIE].value
    return None


class CsrfTokens:
    """Give each reader a signed token (cookie) and write it into the page's forms."""

    def __init__(self, app: Any, store_of: Any) -> None:
        self.app = app
        self.store_of = store_of

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        # A HEAD arrives here as a GET: Hardening, outside this middleware, answers it as one.
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(("/en/", "/fr/")):
            await self.app(scope, receive, send)
            return
        store: FeedbackStore = self.store_of()
        token = _cookie(scope.get("headers", []))
        fresh = not store.token_valid(token)
        if fresh:
            token = store.new_token()
        assert token is not None
        state = {"html": False}

        async def wrapped(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                ctype = next((v for k, v in headers if k == b"content-type"), b"")
                if ctype.startswith(b"text/html"):
                    state["html"] = True
                    # The body now holds a per-reader token: no shared cache may keep it. An
                    # answer that must not be kept at all (the admin page) stays no-store.
                    kept = b"".join(v for k, v in headers if k == b"cache-control")
                    if b"no-store" not in kept:
                        headers = [(k, v) for k, v in headers if k != b"cache-control"]
                        headers.append((b"cache-control", b"private, max-age=60"))
                    if fresh:
                        headers.append(
                            (
                                b"set-cookie",
                                (f"{COOKIE}={token}; Path=/; Max-Age=2592000; SameSite=Strict; HttpOnly").encode(),
                            )
                        )
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and state["html"]:
                body = message.get("body", b"")
                if PLACEHOLDER.encode() in body:
                    message = {**message, "body": body.replace(PLACEHOLDER.encode(), token.encode())}
            await send(message)

        await self.app(scope, receive, wrapped)


def install(app: FastAPI) -> None:
    """Called by ``create_app``: the token middleware needs the app, not just a router."""
    app.add_middleware(CsrfTokens, store_of=lambda: _app_store(app))


def _app_store(app: FastAPI) -> FeedbackStore:
    store = getattr(app.state, "feedback", None)
    if store is None:
        store = app.state.feedback = FeedbackStore(app.state.canus.settings)
    return store


def _form_path(lang: str) -> str:
    return sections.path_for("feedback", lang)


def _page(request: Request, lang: str, *, status: int = 200, **ctx: Any) -> HTMLResponse:
    state = request.app.state.canus
    html = render(
        "feedback.html",
        lang,
        page_path=request.url.path,
        version=state.version(),
        kinds=KINDS,
        max_details=MAX_DETAILS,
        title=_("Report a problem", lang),
        **ctx,
    )
    return HTMLResponse(html, status_code=status)


#: A page of this site: /, /en/… or /fr/…, path characters only. No backslash, no "//", no
#: scheme: browsers read "/\\evil.example" as another site.
_OWN_PATH = re.compile(r"/(?:(?:en|fr)(?:/[A-Za-z0-9._~%!$&'()*+,;=:@-]*)*)?")


def _safe_page(value: str | None) -> str:
    """The page a report is about, if it is one of canus's own paths; otherwise nothing."""
    v = (value or "").strip().split("?", 1)[0].split("#", 1)[0]
    if len(v) > 300 or "//" in v or not _OWN_PATH.fullmatch(v):
        return ""
    return v


def feedback_page(request: Request, lang: str) -> Response:
    lang = sections.check_lang(lang)
    if request.url.path != _form_path(lang):
        raise HTTPException(404)  # the error page is titled "Page not found" in the reader's language
    page = _safe_page(request.query_params.get("page"))
    return _page(
        request, lang, sent=request.query_params.get("sent") == "1", about=page, closed=not _store(request).writable()
    )


async def feedback_post(request: Request, lang: str) -> Response:
    lang = sections.check_lang(lang)
    if request.url.path != _form_path(lang):
        raise HTTPException(404)  # the error page is titled "Page not found" in the reader's language
    size = request.headers.get("content-length")
    if size is None or not size.isdigit() or int(size) > MAX_BODY:
        return _page(
            request,
            lang,
            status=413,
            error=_(
                "The report is too large: please keep it under {n} characters.", lang, n=fmt_number(MAX_DETAILS, lang)
            ),
        )
    form = await request.form(max_files=0, max_fields=30, max_part_size=MAX_BODY)
    page = _safe_page(str(form.get("page") or ""))
    token = str(form.get("csrf") or "")
    store = _store(request)
    if form.get("website"):
        # A field hidden from people: only robots fill it. Thank them and store nothing.
        return RedirectResponse(f"{_form_path(lang)}?sent=1", status_code=303)
    if not (store.token_valid(token) and token == _cookie(request.scope.get("headers", []))):
        return _page(
            request,
            lang,
            status=403,
            about=page,
            error=_("This form has expired or did not come from this site. Please send it again from this page.", lang),
        )
    kinds = [str(k) for k in form.getlist("kind")]
    details = str(form.get("details") or "")
    try:
        store.add(
            lang=lang,
            page=page or "/",
            kinds=kinds,
            details=details,
            client_address=request.client.host if request.client else "unknown",
            data_version=request.app.state.canus.version().data_version,
        )
    except FeedbackUnavailable as e:
        resp = _page(
            request, lang, status=503, about=page, error=e.localized(lang), details=details[:MAX_DETAILS], chosen=kinds
        )
        resp.headers["Retry-After"] = "3600"
        return resp
    except FeedbackError as e:
        status = 429 if e.reason == "rate_limited" else 400
        headers = {"Retry-After": "60"} if status == 429 else None
        resp = _page(
            request,
            lang,
            status=status,
            about=page,
            error=e.localized(lang),
            details=details[:MAX_DETAILS],
            chosen=kinds,
        )
        if headers:
            resp.headers.update(headers)
        return resp
    target = f"{_form_path(lang)}?sent=1" + (f"&page={quote(page, safe='/')}" if page else "")
    return RedirectResponse(target, status_code=303)


def admin_get(request: Request, lang: str) -> Response:
    return _admin(request, sections.check_lang(lang), _bearer(request))


async def admin_post(request: Request, lang: str) -> Response:
    form = await request.form(max_files=0, max_fields=5, max_part_size=1024)
    return _admin(request, sections.check_lang(lang), str(form.get("token") or "") or _bearer(request))


# One set of routes per language slug (/en/report-problem, /fr/signaler-probleme).
for _slug in sorted({s for s in sections.BY_ID["feedback"].slug.values()}):
    router.add_api_route(f"/{{lang}}/{_slug}", feedback_page, methods=["GET"], include_in_schema=False)
    router.add_api_route(f"/{{lang}}/{_slug}", feedback_post, methods=["POST"], include_in_schema=False)
    router.add_api_route(f"/{{lang}}/{_slug}/admin", admin_get, methods=["GET"], include_in_schema=False)
    router.add_api_route(f"/{{lang}}/{_slug}/admin", admin_post, methods=["POST"], include_in_schema=False)


def _bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    return auth[7:].strip() if auth.lower().startswith("bearer ") else None


#: Wrong admin tokens allowed per client address in ADMIN_WINDOW seconds, then 429.
ADMIN_TRIES = 5
ADMIN_WINDOW = 60.0
_admin_failures: dict[str, list[float]] = {}
_admin_lock = threading.Lock()


def _admin_throttled(client: str, failed: bool | None = None) -> bool:
    """Whether ``client`` used up its tries; ``failed=True`` records one more wrong token."""
    now = time.monotonic()
    with _admin_lock:
        recent = [t for t in _admin_failures.get(client, []) if now - t < ADMIN_WINDOW]
        if failed:
            recent.append(now)
        if recent:
            _admin_failures[client] = recent
        else:
            _admin_failures.pop(client, None)
        if len(_admin_failures) > 10_000:  # a flood of addresses must not grow memory forever
            _admin_failures.clear()
        return len(recent) >= ADMIN_TRIES


def _admin(request: Request, lang: str, token: str | None) -> Response:
    settings = request.app.state.canus.settings
    state = request.app.state.canus
    if not settings.admin_token:
        raise HTTPException(404, _("The feedback admin page is closed: no CANUS_ADMIN_TOKEN is set.", lang))
    client = request.client.host if request.client else "unknown"
    if token is not None and _admin_throttled(client):
        raise HTTPException(
            429,
            _("Too many wrong tokens: try again in a minute.", lang),
            headers={"Retry-After": str(int(ADMIN_WINDOW)), "Cache-Control": "no-store"},
        )
    ok = admin_token_ok(token, settings)
    if token is not None and not ok:
        _admin_throttled(client, failed=True)
    html = render(
        "feedback_admin.html",
        lang,
        page_path=request.url.path,
        version=state.version(),
        title=_("Problem reports", lang),
        kinds=KINDS,
        reports=_store(request).list() if ok else None,
        refused=token is not None and not ok,
    )
    resp = HTMLResponse(html, status_code=200 if ok or token is None else 403)
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Robots-Tag"] = "noindex"
    return resp
