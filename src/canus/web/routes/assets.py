"""Scripts the portal serves itself: the Vega-Embed bundle, built from vl-convert, never a CDN.

``vl_convert.javascript_bundle()`` gives Vega, Vega-Lite and Vega-Embed as one script
(about 0.9 MB). It takes a second or two to build, so it is built once per vl-convert
version, kept under ``CANUS_HOME/cache/`` and in memory, and served with a long cache life.
Nothing is committed to the repository.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import vl_convert as vlc
from fastapi import APIRouter, Request, Response

router = APIRouter()
_lock = threading.Lock()
_bundle: dict[str, bytes] = {}


def vega_embed_bundle(cache_dir: Path | None = None) -> bytes:
    key = str(getattr(vlc, "__version__", "0"))
    with _lock:
        if key in _bundle:
            return _bundle[key]
        path = cache_dir / f"vega-embed-{key}.js" if cache_dir else None
        if path is not None and path.exists():
            data = path.read_bytes()
        else:
            data = vlc.javascript_bundle().encode("utf-8")  # type: ignore[call-arg]  # the stub says snippet is required; the library defaults it
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp")
                tmp.write_bytes(data)
                tmp.replace(path)
        _bundle[key] = data
        return data


@router.get("/assets/vega-embed.js", include_in_schema=False)
def vega_embed(request: Request) -> Response:
    home = request.app.state.canus.settings.home
    data = vega_embed_bundle(home / "cache")
    etag = '"' + hashlib.sha256(data).hexdigest()[:20] + '"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=604800"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type="text/javascript; charset=utf-8", headers=headers)
