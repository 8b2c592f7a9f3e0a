"""The Census international-trade API source against a real loopback server."""

from __future__ import annotations

from pathlib import Path

import pytest

from canus.pipeline import update
from canus.settings import get_settings
from canus.sources.census_trade import QUERIES
from canus.warehouse import Warehouse
from tests.conftest import FIXTURES
from tests.loopback import Loopback, Reply

CENSUS = FIXTURES / "trade" / "census"
KEY = "sekret-key-123"
BASE = "/data/timeseries/intltrade"


@pytest.fixture
def api(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> Loopback:
    monkeypatch.setenv("CANUS_CENSUS_API", loopback.url(BASE))
    monkeypatch.setenv("CANUS_CENSUS_YEARS", "2023-2024")
    monkeypatch.setenv("CANUS_CENSUS_API_KEY", KEY)
    return loopback


def _queue_good_answers(api: Loopback) -> None:
    json_type = {"Content-Type": "application/json;charset=utf-8"}
    for q in QUERIES:
        body = (CENSUS / q.file_name(2023)).read_bytes()
        # 2023 has data; 2024 is not published yet: 204, empty body.
        api.queue(f"{BASE}/{q.flow}/{q.dataset}", Reply(200, body, json_type), Reply(204, b""))


def test_loads_both_directions_and_drops_totals(api: Loopback) -> None:
    _queue_good_answers(api)
    [r] = update(["census-trade"])
    assert r.status == "updated", r.error
    with Warehouse().read() as con:
        hs = con.execute("""
            SELECT direction, sum(value_usd), count(*), count(value_usd)
            FROM census_trade_hs GROUP BY direction ORDER BY direction
        """).fetchall()
        # exports: 1,000,000 + 2,500,000 + 1,100,000 + 2,600,000 = 7,200,000 (the 3,500,000
        # "TOTAL FOR ALL COMMODITIES" row is dropped); imports: 6,000,000 + 3,000,000 +
        # 5,000,000 = 14,000,000, and the empty cell stays missing (4 rows, 3 values).
        assert hs == [("us_exports_to_canada", 7_200_000.0, 4, 4), ("us_imports_from_canada", 14_000_000.0, 4, 3)]
        states = con.execute("""
            SELECT direction, state, sum(value_usd) FROM census_trade_state
            GROUP BY ALL ORDER BY ALL
        """).fetchall()
        assert states == [
            ("us_exports_to_canada", "MI", 2_300_000.0),
            ("us_exports_to_canada", "TX", 700_000.0),
            ("us_imports_from_canada", "IL", 4_000_000.0),
            ("us_imports_from_canada", "MI", 5_000_000.0),
        ]
        assert con.execute("SELECT DISTINCT hs2 FROM census_trade_hs ORDER BY 1").fetchall() == [("27",), ("87",)]
        notes, files = con.execute("SELECT notes, files FROM data_versions WHERE source_id = 'census-trade'").fetchone()
    # 4 "-" rows in the Canada files + 12 months x 2 (world total, NAFTA) x 2 directions.
    assert '"total_rows_dropped": "52"' in notes
    # The key went to the server but is written nowhere in the warehouse.
    assert all(f"key={KEY}" in path for _, path, _, _ in api.requests)
    assert KEY not in files
    raw = get_settings().raw_dir / "manifest.jsonl"
    assert KEY not in raw.read_text()
    # One request per dataset and year.
    assert len(api.requests) == 12
    assert "CTY_CODE=1220" in api.requests[0][1] and "COMM_LVL=HS2" in api.requests[0][1]


def test_partner_totals_and_canada_rank(api: Loopback) -> None:
    from canus.pillars.trade.metrics import canada_rank_among_us_partners

    _queue_good_answers(api)
    assert update(["census-trade"])[0].status == "updated"
    with Warehouse().read() as con:
        codes = con.execute("SELECT DISTINCT cty_code FROM census_trade_partners ORDER BY 1").fetchall()
        # The world total "-" and the NAFTA grouping "0020" are gone.
        assert codes == [("1220",), ("2010",), ("5700",)]
        obs = canada_rank_among_us_partners(con, 2023)
        # Yearly exports + imports: Mexico 12 x (28 + 40) = 816 bn, Canada 12 x (30 + 35) =
        # 780 bn, China 12 x (12 + 35) = 564 bn: Canada is second.
        assert obs is not None and obs.value == 2 and obs.period == "2023"
        assert obs.parts["top"][0]["cty_code"] == "2010"
        assert obs.parts["top"][1]["total_usd"] == 780e9
        assert canada_rank_among_us_partners(con, 2024) is None


def test_without_key_the_source_is_skipped_with_help(api: Loopback, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CANUS_CENSUS_API_KEY")
    [r] = update(["census-trade"])
    assert r.status == "skipped"
    assert "CANUS_CENSUS_API_KEY" in str(r.error) and "key_signup" in str(r.error)
    from canus.sources import get

    assert "clé" in get("census-trade").requires_help["fr"]
    assert api.requests == []


def _fails_with(api: Loopback, reply: Reply, *needles: str) -> str:
    api.queue(f"{BASE}/exports/hs", reply)
    [r] = update(["census-trade"])
    assert r.status == "failed"
    msg = str(r.error)
    for n in needles:
        assert n in msg, msg
    assert KEY not in msg
    assert "census-trade" in msg and f"{BASE}/exports/hs" in msg
    assert not get_settings().warehouse_path.exists()
    return msg


def test_redirect_to_html_is_reported_as_a_key_problem(api: Loopback) -> None:
    api.always(
        "/data/missing_key.html", Reply(200, (CENSUS / "missing-key.html").read_bytes(), {"Content-Type": "text/html"})
    )
    _fails_with(
        api, Reply(302, b"", {"Location": api.url("/data/missing_key.html")}), "redirected", "missing_key.html", "key"
    )
    # The redirect was not followed.
    assert not any(p.startswith("/data/missing_key") for _, p, _, _ in api.requests)


def test_html_page_with_status_200(api: Loopback) -> None:
    _fails_with(
        api, Reply(200, (CENSUS / "missing-key.html").read_bytes(), {"Content-Type": "text/html"}), "HTML", "key"
    )


def test_key_error_header(api: Loopback) -> None:
    _fails_with(api, Reply(200, b"", {"X-DataWebAPI-KeyError": "Invalid Key"}), "refused the key", "Invalid Key")


def test_plain_text_400(api: Loopback) -> None:
    _fails_with(
        api,
        Reply(400, b"error: unknown variable 'ALL_VAL_MOX'", {"Content-Type": "text/plain"}),
        "HTTP 400",
        "ALL_VAL_MOX",
    )


def test_not_an_array_of_arrays(api: Loopback) -> None:
    _fails_with(api, Reply(200, b'{"error": "x"}', {"Content-Type": "application/json"}), "array of arrays")


def test_all_empty_is_an_error(api: Loopback) -> None:
    for q in QUERIES:
        api.queue(f"{BASE}/{q.flow}/{q.dataset}", Reply(204, b""), Reply(204, b""))
    [r] = update(["census-trade"])
    assert r.status == "failed" and "204" in str(r.error) and "2023, 2024" in str(r.error)


def test_a_renamed_value_column_fails_and_keeps_the_published_warehouse(api: Loopback, tmp_path: Path) -> None:
    _queue_good_answers(api)
    assert update(["census-trade"])[0].status == "updated"
    before = get_settings().warehouse_path.read_bytes()
    for q in QUERIES:
        body = (CENSUS / q.file_name(2023)).read_bytes().replace(b"ALL_VAL_MO", b"ALL_VAL_YR")
        api.queue(f"{BASE}/{q.flow}/{q.dataset}", Reply(200, body), Reply(204, b""))
    [r] = update(["census-trade"])
    assert r.status == "failed" and "ALL_VAL_MO" in str(r.error)
    assert "exports-enduse-2023.json" in str(r.error) and "ALL_VAL_YR" in str(r.error)
    assert get_settings().warehouse_path.read_bytes() == before


def test_mirror_layout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    mirror = tmp_path / "mirror" / "census-trade"
    mirror.mkdir(parents=True)
    for f in CENSUS.glob("*-2023.json"):
        (mirror / f.name).write_bytes(f.read_bytes())
    monkeypatch.setenv("CANUS_MIRROR", str(tmp_path / "mirror"))
    monkeypatch.setenv("CANUS_CENSUS_YEARS", "2023")
    monkeypatch.setenv("CANUS_CENSUS_API_KEY", KEY)
    [r] = update(["census-trade"])
    assert r.status == "updated", r.error
    assert r.as_of == "2023-02"
