"""The portal served in-process (FastAPI TestClient) on a warehouse built by the real pipeline."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from canus.settings import Settings, get_settings
from canus.web.page import sections
from tests.web_helpers import build_warehouse

NAV = [s for s in sections.SECTIONS if s.in_nav]
WEB = Path(__file__).resolve().parents[1] / "src" / "canus" / "web"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """One warehouse for the module's tests that only read it (built once: it is the slow part).

    The app is given these settings, so the per-test CANUS_HOME of conftest does not move it."""
    tmp = tmp_path_factory.mktemp("web-portal")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CANUS_HOME", str(tmp / "home"))
        mp.setenv("CANUS_ADMIN_TOKEN", "admin-secret")
        build_warehouse(tmp, mp)
        yield get_settings()


@pytest.fixture(scope="module")
def client(settings: Settings) -> TestClient:
    """The portal on the shared warehouse; tests that store something build their own."""
    from canus.web.app import create_app

    return TestClient(create_app(settings))


@pytest.fixture
def own_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    """The portal on a warehouse of the test's own, for a test that stores reports."""
    build_warehouse(tmp_path, monkeypatch)
    monkeypatch.setenv("CANUS_ADMIN_TOKEN", "admin-secret")
    from canus.web.app import create_app

    return TestClient(create_app())


def _ids(html: str) -> set[str]:
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    return set(ids)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_section_page_has_the_furniture(client: TestClient, lang: str) -> None:
    for sec in NAV:
        path = sections.path_for(sec.id, lang)
        r = client.get(path)
        assert r.status_code == 200, path
        html = r.text
        assert len(r.content) <= 150 * 1024, (path, len(r.content))
        assert f'<html lang="{lang}-CA">' in html
        # "On this page": every link points at an element of the page.
        toc = re.search(r'<nav class="toc".*?</nav>', html, re.S)
        assert toc, path
        anchors = re.findall(r'href="#([^"]+)"', toc.group(0))
        assert anchors and set(anchors) <= _ids(html), (path, set(anchors) - _ids(html))
        # Language toggle keeps the section.
        other = "fr" if lang == "en" else "en"
        assert f'href="{sections.path_for(sec.id, other)}" lang="{other}"' in html
        assert 'id="related-h"' in html
        assert 'id="report-problem"' in html and 'name="csrf"' in html
        # A reader's own token replaces the placeholder; the cookie carries the same token.
        token = re.search(r'name="csrf" value="([0-9a-f]{40})"', html)
        assert token and client.cookies.get("canus_csrf") == token.group(1)
        # No render-blocking script: every script is deferred.
        for tag in re.findall(r"<script[^>]*>", html):
            assert " defer" in tag, (path, tag)
        assert "Date modified" in html or "Date de modification" in html


def test_sections_without_data_name_the_source_that_will_fill_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_warehouse(tmp_path, monkeypatch, sources=("bts-border-crossings",))
    from canus.web.app import create_app

    client = TestClient(create_app())
    html = client.get("/en/energy").text
    # The energy page always carries the registry of pipelines and power lines, so only part of it waits.
    assert 'id="no-data"' in html and "Part of this section has no data yet" in html
    assert "cer-electricity-trade" in html
    html = client.get("/fr/environnement").text
    assert "great-lakes-water-levels" in html and "Données à venir" in html
    # The border map says which source will draw the outline.
    assert "The country outlines will be drawn once this source is loaded: Natural Earth" in (
        client.get("/en/border").text
    )


def _waiting(html: str) -> str:
    found = re.search(r'id="no-data".*?</div>', html, re.S)
    return found.group(0) if found else ""


def test_energy_and_environment_light_up_with_their_sources(client: TestClient) -> None:
    html = client.get("/en/energy").text
    # The sources loaded here are never in the list of what the page waits for (others may be).
    assert "cer-electricity-trade" not in _waiting(html)
    assert 'id="energy-electricity-trade"' in html and 'id="energy-electricity-provinces"' in html
    assert "GWh" in html and "Canada Energy Regulator" in html
    html = client.get("/fr/environnement").text
    assert not {"great-lakes-water-levels", "air-emissions"} & set(re.findall(r"[a-z0-9-]+", _waiting(html)))
    assert 'id="environment-acid-rain"' in html and 'id="environment-great-lakes"' in html


def test_border_page_has_ports_map_sized_by_traffic_with_a_text_list(client: TestClient) -> None:
    html = client.get("/en/border").text
    svg = re.search(r'<svg[^>]*class="map" id="map-ports-svg".*?</svg>', html, re.S)
    assert svg
    # Outline from the Natural Earth fixture, drawn on the server.
    assert 'class="land focus can"' in svg.group(0) and 'class="land focus usa"' in svg.group(0)
    radii = {
        t: float(r)
        for r, t in re.findall(r'<circle class="pt port"[^>]* r="([0-9.]+)"><title>([^<]+)</title>', svg.group(0))
    }
    detroit = next(v for k, v in radii.items() if k.startswith("Detroit"))
    champlain = next(v for k, v in radii.items() if k.startswith("Champlain"))
    assert detroit == pytest.approx(champlain * (300_000 / 60_000) ** 0.5, rel=0.02)
    listing = re.search(r'<div class="map-list.*?</ol>', html, re.S).group(0)
    assert listing.index("Detroit") < listing.index("Buffalo") < listing.index("Blaine")
    assert "https://" not in svg.group(0).replace("http://www.w3.org/2000/svg", "")


def test_diplomacy_page_maps_the_registry_missions(client: TestClient) -> None:
    html = client.get("/fr/reseau-diplomatique").text
    assert 'id="map-missions"' in html
    assert html.count('class="pt mission"') >= 10 and html.count('class="pt mission-us"') >= 5
    assert "Ambassade du Canada aux États-Unis" in html
    assert "international.gc.ca" in html  # each office cites its source


def test_every_chart_has_table_downloads_and_embed(client: TestClient) -> None:
    from canus.web.page.builders import CHART_BUILDERS

    html = client.get("/en/border").text
    charts = re.findall(r'<figure class="chart" id="([^"]+)" data-spec="([^"]+)"', html)
    assert {c for c, _ in charts} == {"border-people-per-day", "border-busiest-ports", "border-both-directions"}
    for chart_id, spec in charts:
        assert chart_id in CHART_BUILDERS
        assert client.get(spec).json()["$schema"].startswith("https://vega.github.io/schema")
        csv = client.get(f"/en/charts/{chart_id}.csv")
        assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
        assert len(csv.text.splitlines()) >= 2
        js = client.get(f"/fr/graphiques/{chart_id}.json").json()
        assert js["rows"] and js["alt"] and js["summary"]
        embed = client.get(f"/en/charts/{chart_id}?embed=1")
        assert embed.status_code == 200 and "<svg" in embed.text
        page = client.get(f"/en/charts/{chart_id}").text
        assert "&lt;iframe" in page and "<table" in page


def test_etag_follows_the_data_version(client: TestClient) -> None:
    r = client.get("/en/border")
    etag = r.headers["etag"]
    again = client.get("/en/border", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert r.headers["cache-control"].startswith("private")  # the page holds a reader's token


def test_report_form_thanks_refuses_a_second_report_and_escapes_on_admin(own_client: TestClient) -> None:
    client = own_client
    html = client.get("/en/border").text
    token = re.search(r'name="csrf" value="([0-9a-f]{40})"', html).group(1)
    payload = '<script>document.title="pwned"</script><img src=x onerror=alert(1)>'
    sent = client.post(
        "/en/report-problem",
        data={"csrf": token, "page": "/en/border", "kind": ["wrong", "outdated"], "details": payload},
        follow_redirects=True,
    )
    assert sent.status_code == 200 and "Thank you for your help!" in sent.text
    again = client.post(
        "/en/report-problem", data={"csrf": token, "page": "/en/border", "kind": ["other"], "details": "again"}
    )
    assert again.status_code == 429 and "less than a minute ago" in again.text
    assert again.headers["retry-after"] == "60"
    # A forged or missing token is refused and nothing is stored.
    forged = client.post("/en/report-problem", data={"csrf": "0" * 40, "page": "/en/border"})
    assert forged.status_code == 403
    closed = client.get("/en/report-problem/admin")
    assert closed.status_code == 200 and 'name="token"' in closed.text
    assert client.post("/en/report-problem/admin", data={"token": "wrong"}).status_code == 403
    admin = client.post("/en/report-problem/admin", data={"token": "admin-secret"})
    assert admin.status_code == 200
    assert "&lt;script&gt;document.title" in admin.text and "<script>document" not in admin.text
    assert "A figure or statement is wrong" in admin.text
    assert admin.text.count('<tr><th scope="row">') == 1


def test_report_form_limits_size(client: TestClient) -> None:
    client.get("/en/")
    token = client.cookies.get("canus_csrf")
    big = client.post("/en/report-problem", data={"csrf": token, "page": "/en/", "details": "x" * 20000})
    assert big.status_code == 413
    long = client.post("/fr/signaler-probleme", data={"csrf": token, "page": "/fr/", "details": "x" * 1500})
    assert long.status_code == 400 and "trop longue" in long.text


def test_admin_page_is_closed_without_a_token(settings: Settings) -> None:
    from canus.web.app import create_app

    r = TestClient(create_app(dataclasses.replace(settings, admin_token=None))).get("/fr/signaler-probleme/admin")
    assert r.status_code == 404 and "CANUS_ADMIN_TOKEN" in r.text


def test_vega_embed_is_served_by_the_site(client: TestClient) -> None:
    r = client.get("/assets/vega-embed.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert b"window.vegaEmbed=" in r.content
    assert client.get("/assets/vega-embed.js", headers={"If-None-Match": r.headers["etag"]}).status_code == 304


def test_portal_strings_are_all_translated(client: TestClient) -> None:
    from canus.i18n import missing_translations
    from canus.web.page.builders import CHART_BUILDERS

    for sec in sections.SECTIONS:
        if sec.id != "charts":
            client.get(sections.path_for(sec.id, "fr"))
    for chart_id in CHART_BUILDERS:
        client.get(f"/fr/graphiques/{chart_id}")
    client.get("/fr/signaler-probleme?sent=1")
    client.post("/fr/signaler-probleme/admin", data={"token": "admin-secret"})
    # Only this area's strings are checked here; other pillars test their own catalogues.
    pillars = WEB.parent / "pillars"
    mine = "".join(
        p.read_text()
        for p in [*WEB.rglob("*.py"), *pillars.rglob("*.py"), *(WEB / "templates").glob("*.html")]
        if "trade" not in p.parts and p != WEB / "routes" / "claims.py"
    )
    untranslated = {m for m in missing_translations() if m in mine}
    assert untranslated == set()
