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


JSON_TYPE = {"Content-Type": "application/json;charset=utf-8"}


def _queue_good_answers(api: Loopback, replace: dict[str, Reply] | None = None) -> None:
    """One answer per request, in the order the source asks (year by year, then query by query).

    Several queries share a path (``exports/hs``), so the answers are queued in request order;
    ``replace`` swaps the answer for one 2023 file name.
    """
    replace = replace or {}
    for year in (2023, 2024):
        for q in QUERIES:
            name = q.file_name(year)
            if name in replace:
                reply = replace[name]
            elif year == 2023:
                reply = Reply(200, (CENSUS / name).read_bytes(), JSON_TYPE)
            else:
                reply = Reply(204, b"")  # 2024 is not published yet: 204, empty body.
            api.queue(f"{BASE}/{q.flow}/{q.dataset}", reply)


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
    # 4 "-" rows in the Canada files + 12 months x 2 (world total, NAFTA) x 2 directions, and in
    # the energy files 12 months x 2 (world total, NAFTA) x 5 commodities x 2 directions.
    assert '"total_rows_dropped": "292"' in notes
    # The key went to the server but is written nowhere in the warehouse.
    assert all(f"key={KEY}" in path for _, path, _, _ in api.requests)
    assert KEY not in files
    raw = get_settings().raw_dir / "manifest.jsonl"
    assert KEY not in raw.read_text()
    # One request per query and year: 6 for Canada and the partner totals, 10 for energy.
    assert len(api.requests) == 32
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
    renamed = {
        q.file_name(2023): Reply(200, (CENSUS / q.file_name(2023)).read_bytes().replace(b"ALL_VAL_MO", b"ALL_VAL_YR"))
        for q in QUERIES
    }
    _queue_good_answers(api, renamed)
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
    # The Canada files stop in February; the energy files run to December: the latest month.
    assert r.as_of == "2023-12"


# ---------------------------------------------------------------------------- energy by partner (issue 13)


def test_energy_by_partner_every_form_countries_only(api: Loopback) -> None:
    _queue_good_answers(api)
    [r] = update(["census-trade"])
    assert r.status == "updated", r.error
    with Warehouse().read() as con:
        per_form = con.execute("""
            SELECT direction, form, count(DISTINCT cty_code), sum(value_usd), sum(quantity),
                   string_agg(DISTINCT quantity_unit, ',' ORDER BY quantity_unit)
            FROM census_energy_partners GROUP BY ALL ORDER BY ALL
        """).fetchall()
        codes = {c for (c,) in con.execute("SELECT DISTINCT cty_code FROM census_energy_partners").fetchall()}
        japan = con.execute("""
            SELECT quantity, quantity_unit, value_usd FROM census_energy_partners
            WHERE direction = 'us_exports' AND commodity = '284420' AND cty_code = '5880' AND period = '2023-03-01'
        """).fetchone()
        canada_coal = con.execute("""
            SELECT cty_name, sum(value_usd), sum(quantity), count(*) FROM census_energy_partners
            WHERE direction = 'us_imports' AND commodity = '2701' AND cty_code = '1220' GROUP BY ALL
        """).fetchone()
    # Chapter 27 has no quantity (no common unit); the world total and NAFTA (0020) are gone.
    assert per_form == [
        ("us_exports", "all_energy", 4, 12 * 8.3e9, None, None),
        # 2612 Canada 5,000 kg, 284410 Canada 10,000 kg, 284420 Canada 2,000 + Korea 1,500 kg;
        # Japan's unit is "-": its quantity is missing, not zero.
        ("us_exports", "coal", 3, 12 * 75e6, 12 * 520_000.0, "T"),
        ("us_exports", "uranium", 3, 12 * 126e6, 12 * 18_500.0, "KG"),
        ("us_imports", "all_energy", 4, 12 * 12.2e9, None, None),
        ("us_imports", "coal", 3, 12 * 90e6, 12 * 730_000.0, "T"),
        ("us_imports", "uranium", 6, 12 * 405e6, 12 * 1_584_000.0, "KG"),
    ]
    assert "-" not in codes and "0020" not in codes
    assert japan == (None, None, 30e6)
    assert canada_coal == ("CANADA", 12 * 20e6, 12 * 150_000.0, 12)
    energy = [p for _, p, _, _ in api.requests if "COMMODITY=2701" in p]
    # One request per commodity (no repeated predicate), at its HS level, for every country.
    assert len(energy) == 4  # exports and imports, 2023 and 2024
    assert all("COMM_LVL=HS4" in p and "2612" not in p and p.count("COMMODITY=") == 1 for p in energy)
    assert not any("CTY_CODE=" in p for p in energy)
    assert any("GEN_QY1_MO" in p for p in energy) and any("QTY_1_MO" in p for p in energy)


def test_energy_renamed_quantity_column_fails_naming_the_file(api: Loopback) -> None:
    _queue_good_answers(api)
    assert update(["census-trade"])[0].status == "updated"
    before = get_settings().warehouse_path.read_bytes()
    name = "imports-hs-energy-2701-2023.json"
    body = (CENSUS / name).read_bytes().replace(b"GEN_QY1_MO", b"GEN_QY1_YR")
    _queue_good_answers(api, {name: Reply(200, body, JSON_TYPE)})
    [r] = update(["census-trade"])
    assert r.status == "failed"
    msg = str(r.error)
    assert name in msg and "GEN_QY1_MO" in msg and "GEN_QY1_YR" in msg and KEY not in msg
    assert get_settings().warehouse_path.read_bytes() == before


def test_energy_html_instead_of_data_is_a_key_problem(api: Loopback) -> None:
    html = Reply(200, (CENSUS / "missing-key.html").read_bytes(), {"Content-Type": "text/html"})
    _queue_good_answers(api, {"imports-hs-energy-284410-2023.json": html})
    [r] = update(["census-trade"])
    assert r.status == "failed"
    msg = str(r.error)
    assert "HTML" in msg and "CANUS_CENSUS_API_KEY" in msg and KEY not in msg
    # The address shown is the energy query's, without the key.
    assert f"{BASE}/imports/hs" in msg and "COMM_LVL=HS6" in msg
    assert not get_settings().warehouse_path.exists()


def test_energy_commodity_not_asked_for_is_refused(api: Loopback) -> None:
    name = "exports-hs-energy-27-2023.json"
    body = (CENSUS / name).read_bytes().replace(b'"27"', b'"28"')
    _queue_good_answers(api, {name: Reply(200, body, JSON_TYPE)})
    [r] = update(["census-trade"])
    assert r.status == "failed" and "'28'" in str(r.error) and "not asked for" in str(r.error)


def test_energy_without_key_is_skipped_with_help(api: Loopback, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CANUS_CENSUS_API_KEY")
    [r] = update(["census-trade"])
    assert r.status == "skipped" and "key_signup" in str(r.error)
    assert api.requests == [] and not get_settings().warehouse_path.exists()
