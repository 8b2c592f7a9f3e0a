"""Responses for a page and its ``.json`` / ``.csv`` twins, with ETags keyed on the data version."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from fastapi import Request, Response

from canus.web.state import AppState

MEDIA = {
    "html": "text/html; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "svg": "image/svg+xml",
}


def split_ext(name: str, allowed: tuple[str, ...] = ("json", "csv")) -> tuple[str, str]:
    """``border.csv`` → (``border``, ``csv``); no known extension → (name, ``html``)."""
    stem, dot, ext = name.rpartition(".")
    if dot and ext in allowed:
        return stem, ext
    return name, "html"


def cached_response(
    request: Request,
    state: AppState,
    kind: str,
    make: Callable[[], str | bytes | dict | list],
    *,
    filename: str | None = None,
    max_age: int = 60,
) -> Response:
    # The host is part of the key: embed codes carry absolute addresses.
    key = ("resp", str(request.base_url), request.url.path, str(request.url.query), kind)

    def build() -> tuple[bytes, str]:
        body = make()
        if isinstance(body, dict | list):
            body = json.dumps(body, ensure_ascii=False, default=str, indent=1)
        data = body.encode("utf-8") if isinstance(body, str) else body
        # From the body itself: a body that changes without a new data version (a retrieval
        # time, a warm-up finishing) gets a new ETag, so no client keeps a stale copy.
        return data, '"' + hashlib.sha256(data).hexdigest()[:24] + '"'

    body, etag = state.cached(key, build)
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}", "Vary": "Accept-Language"}
    if filename:
        headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if kind in ("json", "csv"):
        headers["Access-Control-Allow-Origin"] = "*"
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=MEDIA[kind], headers=headers)
