"""The trade section, its twins, charts and the exposure calculator over real HTTP."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import duckdb
import httpx
import pytest

from canus.i18n import missing_translations
from canus.settings import get_settings
from tests.live_server import serve
from tests.test_trade_exposure import _add_states
from tests.test_trade_metrics import build_trade_warehouse

B = 1e9


@pytest.fixture
def site() -> Iterator[httpx.Client]:
    path = get_settings().warehouse_path
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    build_trade_warehouse(con)
    _add_states(con)
    con.execute(
        "INSERT INTO warehouse_meta VALUES ('data_version', 'trade-test'), ('built_at', '2025-01-02T00:00:00+00:00')"
    )
    con.close()
    with serve() as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client


def test_trade_page_in_both_languages(site: httpx.Client) -> None:
    en = site.get("/en/trade")
    assert en.status_code == 200
    # Goods 2023: 600 + 480 = 1,080 bn CAD; goods and services 1,336 bn (BOP goods + services).
    assert "$1.1 trillion" in en.text and "$1.3 trillion" in en.text
    assert "<svg" in en.text and "trade-mirror" in en.text
    assert "73% to 89%" in en.text  # supply-chain range 410/560 to 500/560
    fr = site.get("/fr/commerce")
    assert fr.status_code == 200
    assert "1\u00a0300\u00a0milliards de dollars" in fr.text
    assert "73\u00a0% à 89\u00a0%" in fr.text


def test_twins(site: httpx.Client) -> None:
    doc = site.get("/en/trade.json").json()
    ids = {t["id"] for t in doc["tables"]}
    assert {
        "trade-goods-yearly",
        "trade-mirror-year",
        "trade-sections",
        "trade-provinces",
        "trade-goods-services-yearly",
        "trade-partners",
        "trade-supply-chain",
        "trade-states",
    } <= ids
    assert {s["source_id"] for s in doc["sources"]} >= {"statcan-12100011", "fred-IMPCA"}
    lines = site.get("/fr/commerce.csv").text.splitlines()
    # The page's CSV twin holds every table, each under its title line; the first is the
    # headline chart's, goods by year (customs basis): 600 bn exported + 480 bn imported = 1,080 bn.
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1 : lines.index("")]))))
    # Rounded as the page shows it: "$1.1 trillion".
    assert rows[0]["year"] == "2023" and float(rows[0]["total"]) == 1100 * B
    assert sum(1 for line in lines if line == "") >= len(ids)
    svg = site.get("/en/charts/trade-mirror.svg")
    assert svg.status_code == 200 and svg.text.startswith("<svg")
    assert site.get("/fr/graphiques/trade-provinces").status_code == 200


def test_exposure_api(site: httpx.Client) -> None:
    r = site.get("/api/trade/exposure", params={"sections": "C12:10,C19:25", "year": "2023"})
    assert r.status_code == 200, r.text
    doc = r.json()
    # Energy 180 bn × 10 % + motor vehicles 90 bn × 25 % = 18 + 22.5 = 40.5 bn.
    assert doc["totals"]["duty"] == pytest.approx(40.5 * B)
    assert doc["totals"]["exposed"] == pytest.approx(270 * B)
    assert doc["currency"] == "CAD" and doc["sources"][0]["source_id"] == "statcan-12100173"
    r = site.get("/api/trade/exposure.csv", params={"chapters": "27:10,87:25", "by": "state"})
    assert r.status_code == 200
    assert r.text.splitlines()[1].startswith("2023,MI,")
    bad = site.get("/api/trade/exposure", params={"sections": "C12:ten", "lang": "fr"})
    assert bad.status_code == 400 and "C12" in bad.json()["error"]
    assert site.get("/api/trade/exposure", params={"sections": "C12:1", "by": "x"}).status_code == 400


def test_exposure_pages(site: httpx.Client) -> None:
    r = site.get("/en/trade/exposure", params={"rates": "example", "by": "province"})
    assert r.status_code == 200 and "Ontario" in r.text and "Alberta" in r.text
    empty = site.get("/fr/commerce/exposition")
    assert empty.status_code == 200 and "<form" in empty.text
    bad = site.get("/fr/commerce/exposition", params={"sections": "X1:2"})
    assert bad.status_code == 400 and "X1" in bad.text


def test_no_untranslated_strings_on_french_trade_pages(site: httpx.Client) -> None:
    before = missing_translations()
    for path in (
        "/fr/commerce",
        "/fr/commerce/exposition?rates=example",
        "/fr/graphiques/trade-mirror",
        "/fr/commerce.json",
    ):
        assert site.get(path).status_code == 200, path
    assert missing_translations() - before == set()


def test_key_figures_carry_the_verdict_of_the_pages_claim(site: httpx.Client) -> None:
    page = site.get("/fr/commerce").text
    # The goods-and-services figure links to the 2022 trade claim with its verdict in words.
    assert 'href="/fr/affirmations/bilateral-trade-2022"' in page
    assert 'class="verdict-badge' in page and "/static/claims.css" in page
    assert 'href="/fr/commerce/exposition"' in page
