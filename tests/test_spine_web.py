"""The border page in both languages and its twins, over real HTTP on loopback."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from canus.i18n import _, missing_translations
from tests.builders import publish_bts_fixture
from tests.live_server import serve


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[httpx.Client]:
    publish_bts_fixture(tmp_path, monkeypatch)
    with serve() as base, httpx.Client(base_url=base, timeout=20) as client:
        yield client


def test_root_redirects_to_preferred_language(site: httpx.Client) -> None:
    r = site.get("/", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.8"})
    assert r.status_code == 307 and r.headers["location"] == "/fr/"
    r = site.get("/", headers={"Accept-Language": "de-DE,en;q=0.5,fr;q=0.4"})
    assert r.headers["location"] == "/en/"
    assert site.get("/").headers["location"] == "/en/"


def test_border_page_in_both_languages(site: httpx.Client) -> None:
    en = site.get("/en/border")
    fr = site.get("/fr/frontiere")
    assert en.status_code == fr.status_code == 200
    assert '<html lang="en-CA">' in en.text and '<html lang="fr-CA">' in fr.text
    # The language toggle keeps the section.
    assert 'href="/fr/frontiere"' in en.text and 'href="/en/border"' in fr.text
    # Server-rendered SVG chart with its data table and a one-line summary.
    assert "<svg" in en.text and "<table" in en.text and 'class="summary"' in en.text
    title = "People and vehicles entering the US from Canada per day, by year"
    assert title in en.text and html.escape(_(title, "fr"), quote=True) in fr.text
    # Source, licence and as-of date in the footer.
    for page in (en.text, fr.text):
        assert "Border Crossing Entry Data" in page
    # The data period in words, in the reader's language.
    assert "February 2024" in en.text and "février 2024" in fr.text
    assert "Public domain" in en.text and "Domaine public" in fr.text


def test_twins_match_the_page(site: httpx.Client) -> None:
    js = site.get("/en/border.json").json()
    assert js["section"] == "border" and js["lang"] == "en"
    yearly = next(t for t in js["tables"] if t["id"] == "border-yearly")
    row = yearly["rows"][0]
    assert row["year"] == 2024 and row["months"] == 2
    # 2024 had Jan and Feb: 31 + 29 days; people = 400,000 + 1,000 + 600,000 + 5,000 + 550,000 + 300.
    # Per day is rounded once, at the source, so every view shows the same whole number.
    assert row["people_per_day"] == round(1_556_300 / 60)
    assert js["sources"][0]["source_id"] == "bts-border-crossings"
    assert js["sources"][0]["licence"].startswith("Public domain")
    fr = site.get("/fr/frontiere.json").json()
    assert fr["sources"][0]["licence"].startswith("Domaine public")
    body = site.get("/fr/frontiere.csv")
    assert body.headers["content-type"].startswith("text/csv")
    # Every table of the page, each under its title line, rounded as the page shows it, then sources.
    lines = body.text.splitlines()
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1 : lines.index("")]))))
    assert rows[0]["year"] == "2024" and float(rows[0]["people_per_day"]) == round(1_556_300 / 60)
    assert body.text.count("\n\n") >= len(fr["tables"]) and "bts-border-crossings" in body.text


def test_etag_revalidation(site: httpx.Client) -> None:
    r = site.get("/en/border")
    etag = r.headers["etag"]
    again = site.get("/en/border", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_chart_embed_and_downloads(site: httpx.Client) -> None:
    page = site.get("/fr/graphiques/border-people-per-day")
    assert page.status_code == 200 and "<svg" in page.text
    # The embed code works from another site: its address is absolute.
    assert f'iframe src="{site.base_url}/fr/graphiques/border-people-per-day?embed=1"' in page.text
    svg = site.get("/en/charts/border-people-per-day.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and 'role="img"' in svg.text
    assert site.get("/en/charts/border-people-per-day.csv").text.startswith("year,")


def test_unknown_pages_are_clear_404s(site: httpx.Client) -> None:
    assert site.get("/en/nowhere").status_code == 404
    assert site.get("/de/border").status_code == 404
    r = site.get("/api/metrics/nothing")
    assert r.status_code == 404 and "unknown metric" in r.json()["error"].lower()


def test_no_untranslated_strings_on_french_pages(site: httpx.Client) -> None:
    before = missing_translations()
    for path in ("/fr/", "/fr/frontiere", "/fr/sources", "/fr/graphiques/border-people-per-day"):
        assert site.get(path).status_code == 200
    assert missing_translations() - before == set()


def test_overview_summarizes_the_claims(site: httpx.Client) -> None:
    from canus.claims.models import load_claims

    for lang, word in (("en", "supported"), ("fr", "étayés")):
        page = site.get(f"/{lang}/").text
        summary = page[page.index('class="claims-summary"') :]
        summary = html.unescape(summary[: summary.index("</p>")])
        numbers = [int(n) for n in re.findall(r"\b\d+\b", summary)]
        # "Of the N …, a supported, b contradicted and c cannot be checked yet; d …"
        assert numbers[0] == len(load_claims()) == sum(numbers[1:4]) and word in summary


def test_a_loaded_table_canus_cannot_read_is_said_not_called_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb
    from fastapi.testclient import TestClient

    from canus.settings import get_settings
    from canus.web.app import create_app

    publish_bts_fixture(tmp_path, monkeypatch)
    con = duckdb.connect(str(get_settings().warehouse_path))
    # A 24-10-0053 whose categories are not the ones canus knows (no "residents" members).
    con.execute(
        "CREATE TABLE statcan_24100053 (ref_date VARCHAR, period DATE, geo VARCHAR, kind VARCHAR, value DOUBLE)"
    )
    con.execute(
        "CREATE TABLE statcan_24100053_members (dimension_position INTEGER, "
        "dimension_en VARCHAR, dimension_fr VARCHAR, column_name VARCHAR, "
        "member_id INTEGER, parent_member_id INTEGER, member_en VARCHAR, member_fr VARCHAR)"
    )
    con.execute(
        "INSERT INTO statcan_24100053_members VALUES "
        "(1, 'Geography', 'Géographie', 'geo', 1, NULL, 'Canada', 'Canada'), "
        "(2, 'Kind', 'Genre', 'kind', 1, NULL, 'Everyone', 'Tout le monde')"
    )
    con.close()
    page = TestClient(create_app()).get("/en/border").text
    assert "did not recognize its traveller categories" in page
    # … and the table is not listed as a source still to come.
    assert 'id="no-data"' not in page
