"""`canus export site`: the portal as static files that match `canus serve`.

The warehouse comes from the fixture mirror through the real pipeline. The site is exported
under a deep path prefix, served by Python's own static file server on 127.0.0.1 in a thread,
and crawled from both home pages: every link must resolve. Each exported page must be what
the application answers at the same address, once the relative links are turned back into
addresses and the form's token and action are set aside.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient

from canus.export_site import API_DOCS, MANIFEST, export_site
from canus.web.app import create_app
from tests.web_helpers import build_warehouse

ENDPOINT = "https://forms.example.org/canus-report"
PREFIX = "/some/deep/prefix/"
#: Attributes that hold an address (``data-spec``: a chart's spec); ``data-label`` is words.
_LINK = re.compile(r'\s(?:href|src|action|data-spec)="([^"]*)"')
_TOKEN = re.compile(r'\s*<input type="hidden" name="csrf" value="[^"]*">')


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def static_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    www = tmp_path / "www"
    site = www / PREFIX.strip("/")
    site.mkdir(parents=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(www)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", site
    server.shutdown()
    server.server_close()


def _crawl(base: str) -> tuple[set[str], list[tuple[str, str, int]]]:
    """Every same-site address reachable from the two home pages; broken links as (page, link, status)."""
    seen: set[str] = set()
    broken = []
    todo = [base + PREFIX + "en/index.html", base + PREFIX + "fr/index.html", base + PREFIX + "index.html"]
    with httpx.Client() as client:
        while todo:
            url = todo.pop()
            if url in seen:
                continue
            seen.add(url)
            r = client.get(url)
            assert r.status_code == 200, url
            if not r.headers.get("content-type", "").startswith("text/html"):
                continue
            for link in _LINK.findall(r.text):
                if link.startswith(("http://", "https://", "mailto:", "#")) or not link:
                    continue
                target = urljoin(url, link).split("#")[0]
                if not target.startswith(base + PREFIX):
                    broken.append((url, link, 0))  # escapes the prefix: would break under another one
                    continue
                if target not in seen:
                    status = client.head(target).status_code
                    if status != 200:
                        broken.append((url, link, status))
                    else:
                        todo.append(target)
    return seen, broken


def _absolute(html: str, file: str, address_of: dict[str, str]) -> str:
    """Turn the export's relative links back into the addresses the application uses."""

    def back(m: re.Match[str]) -> str:
        value = m.group(1)
        if value.startswith(("http://", "https://", "mailto:", "#", "/")) or not value:
            return m.group(0)
        path, _h, frag = urljoin("http://x/" + file, value)[len("http://x/") :].partition("#")
        address = address_of.get(path, "/" + path)
        return m.group(0).replace(f'"{value}"', f'"{address}{"#" + frag if frag else ""}"')

    return _LINK.sub(back, html)


def _served(html: str) -> str:
    html = _TOKEN.sub("", html)
    return re.sub(r'<form method="post" action="/[^"]*"', f'<form method="post" action="{ENDPOINT}"', html)


def test_exported_site_serves_statically_under_a_prefix_and_matches_the_portal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, static_server: tuple[str, Path]
) -> None:
    build_warehouse(tmp_path, monkeypatch)
    base, site = static_server
    report = export_site(site, form_endpoint=ENDPOINT, jobs=2, base_url="http://testserver")
    manifest = json.loads((site / MANIFEST).read_text())
    pages = manifest["pages"]
    assert report.rendered == report.pages == len(pages) > 100

    # Both languages, every section of the navigation, claims, chart pages and their four twins.
    from canus.web.page import sections

    for sec in sections.SECTIONS:
        for lang in ("en", "fr"):
            path = sections.path_for(sec.id, lang)
            assert path in pages or path in manifest["missing"], path
    for ext in ("", ".json", ".csv", ".svg", ".vl.json"):
        assert f"/en/charts/border-people-per-day{ext}" in pages
        assert f"/fr/graphiques/border-people-per-day{ext}" in pages
    assert any(p.startswith("/en/claims/") for p in pages) and any(p.startswith("/fr/affirmations/") for p in pages)
    assert "/static/canus.css" in pages and "/assets/vega-embed.js" in pages

    seen, broken = _crawl(base)
    client = TestClient(create_app())
    # A link may only be broken on the static site if it is broken on the portal too (the
    # calculator's language toggle is, at the time of writing): the export must not break any.
    address_of = {r["file"]: p for p, r in pages.items()}
    for page, link, status in broken:
        file = urlsplit(page).path[len(PREFIX) :]
        address = urlsplit(_absolute(f' href="{link}"', file, address_of).split('"')[1]).path
        assert client.get(address).status_code == 404, (page, link, status)
    # Every exported HTML page is reachable by links from the home pages, or is a declared section.
    from canus.export_site import seeds

    html_files = {r["file"] for p, r in pages.items() if r["content_type"].startswith("text/html") and p not in seeds()}
    reached = {urlsplit(u).path[len(PREFIX) :] for u in seen}
    assert html_files <= reached, sorted(html_files - reached)[:5]

    for path, rec in pages.items():
        served = client.get(path, follow_redirects=False)
        exported = (site / rec["file"]).read_bytes()
        if path == API_DOCS:
            assert "openapi.json" in exported.decode()  # a note in place of the live console
        elif served.is_redirect:
            assert b'http-equiv="refresh"' in exported
        elif rec["content_type"].startswith("text/html"):
            assert _absolute(exported.decode(), rec["file"], address_of) == _served(served.text), path
        elif rec["content_type"].startswith(("text/css", "text/javascript", "application/javascript")):
            continue  # assets: addresses anchored on the script; compared by the crawl above
        elif path == "/api/version":
            # Whether the portal is still filling its caches is a fact of the moment, not data.
            assert {**json.loads(exported), "warming": None} == {**served.json(), "warming": None}
        else:
            assert exported == served.content, path

    # Nothing changed: nothing is rendered again.
    again = export_site(site, form_endpoint=ENDPOINT, jobs=1, base_url="http://testserver")
    assert (again.rendered, again.kept) == (0, report.pages)


def test_without_an_endpoint_the_form_gives_way_to_a_note(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_warehouse(tmp_path, monkeypatch, ("bts-border-crossings",))
    site = tmp_path / "site"
    export_site(site, jobs=1)
    for lang in ("en", "fr"):
        html = (site / lang / "index.html").read_text()
        assert 'method="post"' not in html and "csrf" not in html
        assert "static-form-note" in html
    assert "copie statique" in (site / "fr" / "index.html").read_text()


def test_a_rebuild_renders_only_the_pages_of_the_source_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from canus.pipeline import update

    mirror = build_warehouse(tmp_path, monkeypatch)
    site = tmp_path / "site"
    export_site(site, jobs=1)
    before = {p.relative_to(site): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    # A new vintage of the energy source: one more month of electricity trade.
    csv_path = next((mirror / "cer-electricity-trade").iterdir())
    raw = csv_path.read_bytes().decode("latin-1").splitlines()
    extra = [line.replace("/2023", "/2024", 1) for line in raw[1:] if line.startswith('"01/01/2023"')]
    csv_path.write_bytes(("\r\n".join(raw + extra) + "\r\n").encode("latin-1"))
    [r] = update(["cer-electricity-trade"])
    assert r.status == "updated", r.error
    report = export_site(site, jobs=1)
    pages = json.loads((site / MANIFEST).read_text())["pages"]
    changed = {
        p for p, rec in pages.items() if (site / rec["file"]).stat().st_mtime_ns != before.get(Path(rec["file"]))
    }
    assert "/en/energy" in changed and "/fr/energie" in changed
    assert "/en/border" not in changed and "/en/charts/border-people-per-day.svg" not in changed
    assert 0 < report.rendered == len(changed) < report.pages
    served = TestClient(create_app()).get("/en/energy.json").content
    assert (site / "en" / "energy.json").read_bytes() == served
