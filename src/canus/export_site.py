"""``canus export site DIR``: the whole portal as static files, for any web server or CDN.

No second renderer: the FastAPI application that ``canus serve`` runs is driven in-process
(Starlette's TestClient over ASGI) and crawled from the declared sections, the API's fixed
addresses and every link the pages carry. Each answer is written as a file:

- ``/en/border`` (HTML) → ``en/border/index.html``; ``/en/`` → ``en/index.html``;
- ``/en/border.json``, ``.csv``, ``.svg``, ``.vl.json`` and assets keep their names;
- an address without extension that answers JSON or CSV → ``…/index.json`` / ``index.csv``.

Every root-relative address in an HTML page (``href``, ``src``, ``action``, ``data-*``) and
in the stylesheets and scripts is rewritten relative to the file, so the site works under any
path prefix (``https://example.org/canus/``) and from ``file://``. The "Report a problem" forms
are posted to ``--form-endpoint`` when one is given (without canus's per-reader token, which
only ``canus serve`` can check); without one they are replaced by a note saying where to report.
Addresses with a query string and non-GET routes are dynamic and are not exported.

Incremental: ``DIR/.canus-export.json`` keeps, for each exported address, the sources it rests
on (the sources whose landing page its HTML links to) and their data versions. A rebuild
renders again only the addresses whose sources changed (or that are new, or all of them when
canus itself changed), and removes files of addresses that are gone. Pages are rendered by a
pool of worker processes, each with its own application, when ``jobs`` > 1.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import posixpath
import re
import shutil
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from canus import __version__
from canus.errors import CanusError
from canus.i18n import _

MANIFEST = ".canus-export.json"
#: The dependency of a file that shows no data (stylesheets, scripts). A page with no source
#: found in it depends on every source, to be safe.
NO_DATA = "(no data)"
#: Fixed addresses that no page links to but that belong to the published site.
API_SEEDS = (
    "/api/version",
    "/api/sources",
    "/api/metrics",
    "/api/claims",
    "/api/claims.csv",
    "/api/claims/editions",
    "/assets/vega-embed.js",
)
#: Never exported: the admin pages of the feedback store and the SQL endpoint (answers depend
#: on the reader's query).
EXCLUDED_PREFIXES = ("/api/query", "/admin")
#: The interactive API documentation runs in the browser against a live server; the static
#: site gives a page that says so and links to the OpenAPI description, which it does export.
API_DOCS = "/api/docs"
_ATTR = re.compile(r'(\s(?:href|src|action|poster|data-[a-z-]+)=")(/[^"]*)(")')
_CSS_URL = re.compile(r'(url\(["\']?)(/[^)"\']+)(["\']?\))')
_JS_PATH = re.compile(r'"(/(?:assets|static)/[^"]+)"')
_FORM = re.compile(r'<form method="post" action="(/[^"]*)"(?P<rest>[^>]*)>(?P<body>.*?)</form>', re.S)
_TOKEN = re.compile(r'\s*<input type="hidden" name="csrf" value="[^"]*">')
_EXT_FOR = {
    "application/json": "json",
    "text/csv": "csv",
    "image/svg+xml": "svg",
    "text/javascript": "js",
    "application/javascript": "js",
    "text/css": "css",
}


@dataclass
class Fetched:
    path: str
    status: int
    content_type: str
    body: bytes


@dataclass
class ExportReport:
    pages: int = 0
    rendered: int = 0
    kept: int = 0
    removed: int = 0
    bytes: int = 0
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)


def _kind(content_type: str) -> str:
    return content_type.split(";")[0].strip().lower()


def file_for(path: str, content_type: str) -> str:
    """The file (relative to the site root) that holds the answer at ``path``.

    A query string (the API's ``?lang=fr``) goes into the name before the extension:
    ``/api/claims?lang=fr`` → ``api/claims/index.lang-fr.json``.
    """
    clean, _q, query = path.split("#")[0].partition("?")
    if query:
        plain = file_for(clean, content_type)
        stem, dot, ext = plain.rpartition(".")
        return f"{stem}.{re.sub(r'[^A-Za-z0-9_-]+', '-', query)}{dot}{ext}"
    last = clean.rsplit("/", 1)[-1]
    kind = _kind(content_type)
    if kind == "text/html":
        return (clean.strip("/") + "/index.html").lstrip("/") if clean != "/" else "index.html"
    if "." in last:
        return clean.lstrip("/")
    return clean.strip("/") + "/index." + _EXT_FOR.get(kind, "txt")


def relative(from_file: str, to_file: str) -> str:
    rel = posixpath.relpath(to_file, posixpath.dirname(from_file) or ".")
    return rel


def is_static_address(path: str) -> bool:
    return (
        path.startswith("/")
        and not path.startswith("//")
        and not any(path.startswith(p) for p in EXCLUDED_PREFIXES)
        and "/admin" not in path
    )


def links_in(body: str) -> list[str]:
    found = [m.group(2) for m in _ATTR.finditer(body)] + [m.group(2) for m in _CSS_URL.finditer(body)]
    found += _JS_PATH.findall(body)
    return [f.split("#")[0] for f in found if is_static_address(f.split("#")[0]) and f.split("#")[0]]


def seeds() -> list[str]:
    from canus.web.page import sections

    out = []
    for lang in ("en", "fr"):
        for sec in sections.SECTIONS:
            base = sections.path_for(sec.id, lang)
            out.append(base)
            if sec.slug[lang]:
                out += [base + ".json", base + ".csv"]
    return out + list(API_SEEDS)


# -------------------------------------------------------------------- rendering (in workers)

_CLIENT: Any = None
#: Where the site will be published; pages that print their own absolute address (the chart
#: embed code) print this one. Given to each worker process when it starts.
_BASE_URL = "http://localhost:8000"


def _init_worker(base_url: str) -> None:
    global _BASE_URL, _CLIENT
    _BASE_URL, _CLIENT = base_url, None


def _client() -> Any:
    global _CLIENT
    if _CLIENT is None:
        from fastapi.testclient import TestClient

        from canus.web.app import create_app

        _CLIENT = TestClient(create_app(), base_url=_BASE_URL)
    return _CLIENT


def _api_docs_page() -> bytes:
    lines = [
        _(
            "The interactive API documentation needs the served portal (canus serve). "
            "This static copy publishes the API's description as OpenAPI:",
            lang,
        )
        for lang in ("en", "fr")
    ]
    return (
        '<!doctype html><html lang="en"><meta charset="utf-8"><title>API</title>'
        f'<p>{escape(lines[0])} <a href="/api/openapi.json">openapi.json</a></p>'
        f'<p lang="fr">{escape(lines[1])} <a href="/api/openapi.json">openapi.json</a></p></html>\n'
    ).encode()


def fetch(path: str) -> Fetched:
    if path == API_DOCS:
        return Fetched(path, 200, "text/html; charset=utf-8", _api_docs_page())
    r = _client().get(path, follow_redirects=False)
    if r.is_redirect:
        # Kept as a page that sends the reader on, written once the target's file is known.
        return Fetched(path, r.status_code, "text/html; charset=utf-8", r.headers.get("location", "").encode())
    return Fetched(path, r.status_code, r.headers.get("content-type", ""), r.content)


def _fetch_many(paths: list[str]) -> list[Fetched]:
    return [fetch(p) for p in paths]


# -------------------------------------------------------------------- rewriting


def rewrite(fetched: Fetched, files: dict[str, str], lang: str, form_endpoint: str | None) -> bytes:
    """The answer as it is written to the site: links made relative, forms pointed elsewhere."""
    kind = _kind(fetched.content_type)
    own = files[fetched.path]
    if kind not in ("text/html", "text/css", "text/javascript", "application/javascript"):
        return fetched.body
    text = fetched.body.decode("utf-8")

    def rel(target: str) -> str:
        bare, _hash, frag = target.partition("#")
        dest = files.get(bare)
        if dest is None:
            return target  # not exported (dynamic); left absolute, and counted by the test
        return relative(own, dest) + (("#" + frag) if frag else "")

    if kind == "text/html":
        text = _forms(text, lang, form_endpoint)
        text = _ATTR.sub(lambda m: m.group(1) + rel(m.group(2)) + m.group(3), text)
    elif kind == "text/css":
        text = _CSS_URL.sub(lambda m: m.group(1) + rel(m.group(2)) + m.group(3), text)
    else:
        # A script resolves addresses against the page, not itself: anchor them on the
        # script's own address, which is at a known place in the site.
        depth = own.count("/")
        if _JS_PATH.search(text):
            base = (
                "var canusBase = document.currentScript ? new URL('"
                + "../" * depth
                + "', document.currentScript.src).href : '/';\n"
            )
            text = base + _JS_PATH.sub(lambda m: "(canusBase + " + json.dumps(m.group(1)[1:]) + ")", text)
    return text.encode("utf-8")


def _forms(html: str, lang: str, endpoint: str | None) -> str:
    def one(m: re.Match[str]) -> str:
        if endpoint:
            body = _TOKEN.sub("", m.group("body"))
            return f'<form method="post" action="{escape(endpoint)}"{m.group("rest")}>{body}</form>'
        note = _(
            "This is a static copy of the portal: reports cannot be sent from it. "
            "Use the site that publishes it, or write to its maintainers.",
            lang,
        )
        return f'<p class="notice static-form-note">{escape(note)}</p>'

    return _FORM.sub(one, html)


# -------------------------------------------------------------------- dependencies


def _source_landings() -> dict[str, str]:
    from canus import sources
    from canus.warehouse import Warehouse

    out: dict[str, str] = {}
    if not Warehouse().exists():
        return out
    for sid in Warehouse().versions():
        try:
            out[sid] = sources.get(sid).landing_url
        except CanusError:  # a source no longer declared: its pages rest on its id only
            out[sid] = sid
    return out


def _depends(body: bytes, landings: dict[str, str]) -> list[str]:
    text = body.decode("utf-8", "replace")
    found = [sid for sid, url in landings.items() if url in text or f'"{sid}"' in text]
    return sorted(found)


def _owner(path: str) -> str:
    """The page whose twin ``path`` is (``/en/border.csv`` → ``/en/border``)."""
    for ext in (".vl.json", ".json", ".csv", ".svg"):
        if path.endswith(ext):
            return path[: -len(ext)]
    return path


def _versions() -> dict[str, str]:
    from canus.warehouse import Warehouse

    w = Warehouse()
    return {sid: v.sha256 for sid, v in w.versions().items()} if w.exists() else {}


def _code_version() -> str:
    """canus's version and the hash of its templates and static files: a change renders all."""
    import canus.web

    h = hashlib.sha256(__version__.encode())
    web = Path(canus.web.__file__).parent
    for p in sorted([*web.rglob("*.html"), *web.rglob("*.css"), *web.rglob("*.js")]):
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _key(deps: Iterable[str], versions: dict[str, str]) -> str:
    parts = [f"{d}:{versions.get(d, '-')}" for d in deps] or [f"{k}:{v}" for k, v in sorted(versions.items())]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


# -------------------------------------------------------------------- the export


#: Statuses the export writes as a redirecting page.
_REDIRECTS = (301, 302, 303, 307, 308)
#: Content types whose links the crawl follows.
_LINKING = ("text/html", "text/css", "text/javascript", "application/javascript")


@dataclass
class _Previous:
    """The last export into the folder: its manifest, and what of it still holds for this build."""

    manifest: dict[str, Any]
    pages: dict[str, dict[str, Any]]
    missing: dict[str, str]


@dataclass
class _Crawl:
    """Every address reached, and those read back from an earlier export instead of rendered."""

    fetched: dict[str, Fetched]
    reused: set[str]


def export_site(
    dest: Path,
    *,
    form_endpoint: str | None = None,
    jobs: int | None = None,
    full: bool = False,
    base_url: str | None = None,
) -> ExportReport:
    global _BASE_URL, _CLIENT
    start = time.perf_counter()
    # A fresh application per export: one kept from an earlier call would still read the
    # warehouse (and settings) it was created with.
    _BASE_URL, _CLIENT = (base_url or _BASE_URL).rstrip("/"), None
    dest.mkdir(parents=True, exist_ok=True)
    report = ExportReport()
    versions, code = _versions(), _code_version()
    previous = _previous(dest, code, form_endpoint, full)
    crawl = _crawl(dest, previous, versions, jobs or min(os.cpu_count() or 1, 4))
    pages = _write_pages(dest, crawl, previous, versions, form_endpoint, report)
    _remove_stale(dest, previous, pages, report)
    _write_root(dest, pages)
    all_key = _key([], versions)
    (dest / MANIFEST).write_text(
        json.dumps(
            {
                "code": code,
                "form_endpoint": form_endpoint,
                "base_url": _BASE_URL,
                "versions": versions,
                "pages": pages,
                "missing": {p: all_key for p in report.skipped},
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    report.pages = len(pages)
    report.bytes = sum((dest / r["file"]).stat().st_size for r in pages.values())
    report.seconds = time.perf_counter() - start
    return report


def _previous(dest: Path, code: str, form_endpoint: str | None, full: bool) -> _Previous:
    """The folder's manifest; its pages count only when built the same way (code, form, address)."""
    try:
        old = json.loads((dest / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    same_build = (
        not full
        and old.get("code") == code
        and old.get("form_endpoint") == form_endpoint
        and old.get("base_url") == _BASE_URL
    )
    return _Previous(old, old.get("pages", {}) if same_build else {}, old.get("missing", {}) if same_build else {})


def _is_fresh(path: str, dest: Path, previous: _Previous, versions: dict[str, str]) -> bool:
    """The earlier export of ``path`` (or its 404) still holds for the data published now."""
    if previous.missing.get(path) == _key([], versions):
        return True
    rec = previous.pages.get(path)
    return rec is not None and rec["key"] == _key(rec["deps"], versions) and (dest / rec["file"]).exists()


def _crawl(dest: Path, previous: _Previous, versions: dict[str, str], jobs: int) -> _Crawl:
    """Crawl level by level. A fresh page is read back from disk (to follow its links) instead
    of being rendered; the rest are rendered by the pool."""
    crawl = _Crawl({}, set())
    frontier = list(dict.fromkeys(seeds()))
    # Spawned, not forked: a fork copies a parent whose DuckDB and warm-up threads may hold
    # locks, and the child can wait on them for ever. Workers get the address in their init.
    pool = (
        ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(_BASE_URL,),
        )
        if jobs > 1
        else None
    )
    try:
        while frontier:
            todo = _take_fresh(frontier, crawl, dest, previous, versions)
            if pool and len(todo) > jobs:
                chunks = [todo[i::jobs] for i in range(jobs)]
                done = [f for part in pool.map(_fetch_many, chunks) for f in part]
            else:
                done = _fetch_many(todo)
            for f in done:
                crawl.fetched[f.path] = f
            nxt = [link for p in frontier for link in _links_to_follow(p, crawl, previous)]
            frontier = [p for p in dict.fromkeys(nxt) if p not in crawl.fetched]
    finally:
        if pool:
            pool.shutdown()
    return crawl


def _take_fresh(
    frontier: list[str], crawl: _Crawl, dest: Path, previous: _Previous, versions: dict[str, str]
) -> list[str]:
    """Record the frontier's fresh addresses from the earlier export; return those to render."""
    todo = []
    for p in frontier:
        if p in crawl.fetched:
            continue
        if _is_fresh(p, dest, previous, versions) and p in previous.missing:
            crawl.fetched[p] = Fetched(p, 404, "", b"")
        elif _is_fresh(p, dest, previous, versions):
            crawl.fetched[p] = Fetched(p, 200, previous.pages[p]["content_type"], b"")
            crawl.reused.add(p)
        else:
            todo.append(p)
    return todo


def _links_to_follow(path: str, crawl: _Crawl, previous: _Previous) -> list[str]:
    f = crawl.fetched[path]
    if path in crawl.reused:
        return list(previous.pages[path].get("links", []))
    if f.status in _REDIRECTS:
        return [t for t in [f.body.decode()] if is_static_address(t)]
    if f.status == 200 and _kind(f.content_type) in _LINKING:
        return links_in(f.body.decode("utf-8", "replace"))
    return []


def _write_pages(
    dest: Path,
    crawl: _Crawl,
    previous: _Previous,
    versions: dict[str, str],
    form_endpoint: str | None,
    report: ExportReport,
) -> dict[str, dict[str, Any]]:
    """Write every page reached (kept ones stay as they are); the manifest entry of each."""
    redirects = {p: f.body.decode() for p, f in crawl.fetched.items() if f.status in _REDIRECTS}
    ok = {p: f for p, f in crawl.fetched.items() if f.status == 200 or p in redirects}
    report.skipped = sorted(p for p in crawl.fetched if p not in ok)
    files = {
        p: (previous.pages[p]["file"] if p in crawl.reused else file_for(p, f.content_type)) for p, f in ok.items()
    }
    landings = _source_landings()
    deps_of = {
        p: _depends(f.body, landings)
        for p, f in ok.items()
        if p not in crawl.reused and _kind(f.content_type) == "text/html"
    }
    pages: dict[str, dict[str, Any]] = {}
    for p, f in sorted(ok.items()):
        if p in crawl.reused:
            pages[p] = previous.pages[p]
            report.kept += 1
            continue
        deps = _page_deps(p, f, deps_of, landings)
        body = _page_body(p, f, files, redirects, form_endpoint)
        _write_file(dest / files[p], body)
        links = [redirects[p]] if p in redirects else _links_in_body(f)
        pages[p] = {
            "file": files[p],
            "content_type": f.content_type,
            "deps": deps,
            "key": _key(deps, versions),
            "links": sorted(set(links)),
            "sha256": hashlib.sha256(body).hexdigest(),
        }
        report.rendered += 1
    return pages


def _page_deps(path: str, f: Fetched, deps_of: dict[str, list[str]], landings: dict[str, str]) -> list[str]:
    """The sources a page rests on: its own, its owner page's, or (JSON) the ones it names."""
    if path.startswith(("/static/", "/assets/")):
        return [NO_DATA]  # code, not data: rendered again only when canus changes
    return (
        deps_of.get(path)
        or deps_of.get(_owner(path))
        or (_depends(f.body, landings) if _kind(f.content_type) == "application/json" else [])
    )


def _page_body(
    path: str, f: Fetched, files: dict[str, str], redirects: dict[str, str], form_endpoint: str | None
) -> bytes:
    """The file's content: the page with its links made relative, or a redirecting page."""
    if path not in redirects:
        lang = "fr" if path.startswith("/fr") else "en"
        return rewrite(f, files, lang, form_endpoint)
    goal = files.get(redirects[path])
    rel = relative(files[path], goal) if goal else redirects[path]
    return (
        f'<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={escape(rel)}">'
        f'<a href="{escape(rel)}">{escape(rel)}</a>\n'
    ).encode()


def _write_file(target: Path, body: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(body)
    os.replace(tmp, target)


def _links_in_body(f: Fetched) -> list[str]:
    return links_in(f.body.decode("utf-8", "replace")) if _kind(f.content_type) in _LINKING else []


def _remove_stale(dest: Path, previous: _Previous, pages: dict[str, dict[str, Any]], report: ExportReport) -> None:
    """Files of the earlier export that no page of this one writes."""
    for p, rec in previous.manifest.get("pages", {}).items():
        if p not in pages and rec["file"] not in {r["file"] for r in pages.values()}:
            (dest / rec["file"]).unlink(missing_ok=True)
            report.removed += 1


def _write_root(dest: Path, pages: dict[str, dict[str, Any]]) -> None:
    root_page = dest / "index.html"
    if not root_page.exists() or "/" not in pages:
        # "/" answers a redirect by Accept-Language; a static site can only point to English.
        root_page.write_text(
            '<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" '
            'content="0; url=en/index.html"><link rel="alternate" hreflang="fr" '
            'href="fr/index.html"><a href="en/index.html">English</a> · '
            '<a href="fr/index.html" lang="fr">Français</a>\n',
            encoding="utf-8",
        )


def remove_site(dest: Path) -> None:
    if (dest / MANIFEST).exists():
        shutil.rmtree(dest)
