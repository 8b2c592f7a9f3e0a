"""Page twins say what their page says, and the API documents itself for people.

- for every page with a builder, in both languages, the ``.json`` twin's figures are the
  page's figures (value, label, source and date, as shown), and its ``.csv`` twin holds
  every table of the page with the sources;
- every OpenAPI operation has a summary written for people (declared, not generated from a
  function name), HTML pages stay out of the schema, the page twins are documented.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import httpx
import pytest

from canus.web.routes.apidocs import SUMMARIES, TWINS
from tests.live_server import serve
from tests.portal_pages import section_paths
from tests.web_helpers import build_warehouse

FIGURE = re.compile(r'<span class="value">(?P<value>.*?)</span> <span class="label">(?P<label>.*?)</span>', re.S)
SOURCE = re.compile(
    r'<span class="fig-source">(?P<source>.*?</span>)</span>'
    r'|<span class="fig-source">(?P<plain>.*?)</span>',
    re.S,
)


def shown_figures(body: str) -> list[tuple[str, str, str]]:
    """(value, label, source line) of each figure element of a page, in page order."""
    out = []
    for chunk in body.split('class="figure">')[1:]:
        fig, src = FIGURE.search(chunk), SOURCE.search(chunk)
        assert fig is not None and src is not None, chunk[:300]
        out.append((_text(fig["value"]), _text(fig["label"]), _text(src["source"] or src["plain"])))
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    tmp = tmp_path_factory.mktemp("twins")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CANUS_HOME", str(tmp / "home"))
        build_warehouse(tmp, mp)
        with serve() as base, httpx.Client(base_url=base, timeout=60) as client:
            yield client


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split()).replace(" ,", ",")


@pytest.mark.parametrize("path", section_paths("en") + section_paths("fr"))
def test_json_twin_figures_equal_the_page(site: httpx.Client, path: str) -> None:
    page = site.get(path)
    twin = site.get(path + ".json").json()
    shown = shown_figures(page.text)
    assert len(shown) == len(twin["figures"]), path
    for (value, label, source), fig in zip(shown, twin["figures"], strict=True):
        assert value == _text(fig["value"]) and label == _text(fig["label"])
        # Each figure's source and date, on the page and in the twin.
        assert fig["source"] and _text(fig["source"]) in source
        assert fig["date"] and _text(fig["date"]) in source


def test_the_overview_twin_carries_the_home_page_figures(site: httpx.Client) -> None:
    doc = site.get("/en/.json").json()
    assert doc["figures"], "the home page shows one figure per section with data"
    assert all(f["source"] and f["date"] for f in doc["figures"])


@pytest.mark.parametrize("path", ["/en/border", "/fr/frontiere", "/en/energy", "/fr/environnement"])
def test_csv_twin_holds_every_table_rounded_with_sources(site: httpx.Client, path: str) -> None:
    twin = site.get(path + ".json").json()
    body = site.get(path + ".csv").text
    for t in twin["tables"]:
        assert t["title"] in body, t["id"]
        # Rounded as shown: no float with more digits than the page prints.
    assert not re.search(r"\d\.\d{4,}", body)
    assert ("Sources" in body) or ("Sources" in body.splitlines()[-len(twin["sources"]) - 2])
    for s in twin["sources"]:
        assert s["source_id"] in body


def test_page_slug_in_the_other_language_redirects(site: httpx.Client) -> None:
    r = site.get("/fr/border")
    assert r.status_code == 301 and r.headers["location"] == "/fr/frontiere"
    r = site.get("/en/frontiere.json")
    assert r.status_code == 301 and r.headers["location"] == "/en/border.json"


def test_svg_download_carries_title_source_and_date(site: httpx.Client) -> None:
    svg = site.get("/fr/graphiques/border-people-per-day.svg").text
    assert "<title" in svg and "<desc" in svg and "Source\u00a0:" in svg
    assert "dernières données" in svg


def test_every_operation_has_a_human_summary(site: httpx.Client) -> None:
    doc = site.get("/api/openapi.json").json()
    for path, ops in doc["paths"].items():
        # HTML pages are not part of the API; page twins are, documented by hand.
        assert path.startswith("/api/") or path in TWINS, path
        for method, op in ops.items():
            declared = SUMMARIES.get((method.upper(), path)) or (TWINS.get(path, {}).get(method, {}).get("summary"),)
            assert op.get("summary") == declared[0], (method, path, op.get("summary"))
            assert op.get("description"), (method, path)
    # Every declared summary still names a real operation (no stale entries).
    for method, path in SUMMARIES:
        assert method.lower() in doc["paths"].get(path, {}), (method, path)


def test_api_docs_are_served_without_a_cdn(site: httpx.Client) -> None:
    page = site.get("/api/docs")
    assert page.status_code == 200 and "/api/docs/assets/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower() and "https://" not in page.text
    assert site.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert site.get("/api/docs/assets/swagger-ui.css").status_code == 200
