"""CER crude oil and natural gas, and the EIA API: fixtures in the publishers' layouts, download paths,
unit conversions checked by hand, supplier ranks, and the supplier claim's observer."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest

from canus.claims.observations import MissingSource
from canus.pillars.energy import forms, supplier_claim, units
from canus.pipeline import update
from canus.warehouse import Warehouse
from tests.builders import assert_update_fails_keeping_warehouse, publish_over_loopback
from tests.conftest import FIXTURES
from tests.loopback import Loopback, Reply

CRUDE = "cer-crude-oil-exports"
CRUDE_NAME = "crude-oil-exports-by-destination-monthly.csv"
CRUDE_GOOD = (FIXTURES / "energy" / CRUDE_NAME).read_bytes()
GAS = "cer-natural-gas-trade"
GAS_NAME = "natural-gas-exports-and-imports-monthly.csv"
GAS_GOOD = (FIXTURES / "energy" / GAS_NAME).read_bytes()
EIA = "eia-energy-trade"
KEY = "test-eia-key-123"
HTML = b"<!DOCTYPE html><html><body>Service unavailable</body></html>"


@pytest.fixture
def cer_urls(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_URL_CER_CRUDE_OIL_EXPORTS", loopback.url("/crude.csv"))
    monkeypatch.setenv("CANUS_URL_CER_NATURAL_GAS_TRADE", loopback.url("/gas.csv"))


# ---------------------------------------------------------------------------- CER crude oil


def test_crude_download_loads_destinations_without_totals(loopback: Loopback, cer_urls: None) -> None:
    publish_over_loopback(loopback, "/crude.csv", Reply(200, CRUDE_GOOD), CRUDE)
    with Warehouse().read() as con:
        assert con.execute("SELECT count(*) FROM cer_crude_exports").fetchone()[0] == 12
        assert con.execute("SELECT count(*) FROM cer_crude_exports WHERE destination = 'Total'").fetchone()[0] == 0
        # "Confidential" is missing and flagged, never zero.
        hidden = con.execute("""SELECT m3_per_day, confidential FROM cer_crude_exports
                                WHERE destination = 'Other Countries' AND period = '2022-02-01'""").fetchone()
        assert hidden == (None, True)
        # Month volume = average per day × days in the month (January: 31).
        assert (
            con.execute("""SELECT volume_m3 FROM cer_crude_exports
                              WHERE destination = 'PADD I' AND period = '2022-01-01'""").fetchone()[0]
            == 310_000
        )
        as_of = con.execute("SELECT as_of FROM data_versions WHERE source_id = ?", [CRUDE]).fetchone()[0]
        assert as_of == "2022-02"
        table = forms.crude_oil_exports(con)
    padd1 = next(r for r in table.rows if r["destination"] == "PADD I")
    # By hand: 10,000 m³/d × 31 + 12,000 m³/d × 28 = 646,000 m³; × 38.51 GJ/m³ = 24.87746 PJ.
    assert padd1["volume_m3"] == pytest.approx(646_000)
    assert padd1["energy_pj"] == pytest.approx(646_000 * 38.51 / 1e6)
    assert padd1["energy_pj"] == pytest.approx(24.87746)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (HTML, "HTML page"),
        (CRUDE_GOOD.replace(b'"Volume (m3/d)"', b'"Volume (m3/day)"', 1), "Volume (m3/d)"),
        (CRUDE_GOOD.replace(b'"PADD II","400000"', b'"PADD II","399000"', 1), "do not match"),
        (CRUDE_GOOD.replace(b'"2022-02-01"', b'"Feb 2022"', 1), "Period"),
        (CRUDE_GOOD.replace(b'"62898.1"', b'"n/a"', 1), "neither a number nor Confidential (e.g. '10000 / n/a')"),
    ],
)
def test_crude_bad_download_fails_and_keeps_warehouse(
    loopback: Loopback, cer_urls: None, body: bytes, needle: str
) -> None:
    before = publish_over_loopback(loopback, "/crude.csv", Reply(200, CRUDE_GOOD), CRUDE)
    loopback.queue("/crude.csv", Reply(200, body))
    assert_update_fails_keeping_warehouse(CRUDE, before, needle)


# ---------------------------------------------------------------------------- CER natural gas


def test_gas_download_splits_pipeline_and_lng(loopback: Loopback, cer_urls: None) -> None:
    publish_over_loopback(loopback, "/gas.csv", Reply(200, GAS_GOOD), GAS)
    with Warehouse().read() as con:
        assert con.execute("SELECT count(*) FROM cer_gas_trade").fetchone()[0] == 8
        sql = "SELECT DISTINCT mode FROM cer_gas_trade WHERE port = 'Saint John LNG'"
        assert con.execute(sql).fetchone()[0] == "lng"
        table = forms.natural_gas_trade(con)
        flows = forms.energy_flows(con)
    exports = next(r for r in table.rows if r["flow"] == "export")
    # By hand: 3,000,000 thousand m³ a month × 2 months = 6e9 m³; × 38.32 GJ per 10³ m³ = 229.92 PJ.
    assert exports["volume_m3"] == pytest.approx(6e9)
    assert exports["energy_pj"] == pytest.approx(229.92)
    lng = next(r for r in table.rows if r["mode"] == "lng")
    assert lng["confidential"] is True and lng["value_cad"] is None
    # The flows by form count pipeline imports only as coming from the US.
    [imp] = [r for r in flows.rows if r["form"] == "natural_gas" and r["direction"] == "us_to_canada"]
    assert imp["volume_m3"] == pytest.approx(1e9) and imp["value_cad"] == pytest.approx(40_000_000)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (HTML, "HTML page"),
        (GAS_GOOD.replace(b'"Volume (10^3 m3)"', b'"Volume (m3)"', 1), "Volume (10^3 m3)"),
        (GAS_GOOD.replace(b'"Exports","Sumas"', b'"Transit","Sumas"', 1), "Flow"),
        (GAS_GOOD.replace(b'"1000000"', b'"one million"', 1), "neither a number"),
        (GAS_GOOD.replace(b'"2022-01-01"', b'"January 2022"', 1), "Period in no known form"),
    ],
)
def test_gas_bad_download_fails_and_keeps_warehouse(
    loopback: Loopback, cer_urls: None, body: bytes, needle: str
) -> None:
    before = publish_over_loopback(loopback, "/gas.csv", Reply(200, GAS_GOOD), GAS)
    loopback.queue("/gas.csv", Reply(200, body))
    assert_update_fails_keeping_warehouse(GAS, before, needle)


# ---------------------------------------------------------------------------- EIA


def eia_page(rows: list[dict[str, str]], total: int | None = None, route: str = "petroleum/move/impcus") -> bytes:
    """An EIA API v2 answer as the API writes it: strings everywhere, total as a string."""
    return json.dumps(
        {
            "response": {
                "total": str(len(rows) if total is None else total),
                "dateFormat": "YYYY",
                "frequency": "annual",
                "data": rows,
                "description": "fixture",
            },
            "request": {"command": f"/v2/{route}/data/", "params": {"frequency": "annual"}},
            "apiVersion": "2.1.8",
        }
    ).encode()


def crude_row(year: int, duoarea: str, name: str, value: float, units_: str = "MBBL") -> dict[str, str]:
    return {
        "period": str(year),
        "duoarea": duoarea,
        "area-name": name,
        "product": "EPC0",
        "product-name": "Crude Oil",
        "process": "IM0",
        "process-name": "Imports",
        "series": f"MCRIMUS{duoarea[-2:]}1",
        "series-description": f"U.S. Imports from {name} of Crude Oil",
        "value": str(value),
        "units": units_,
    }


def gas_row(year: int, country: str, code: str, process: str, value: float) -> dict[str, str]:
    return {
        "period": str(year),
        "duoarea": "NUS-Z00",
        "area-name": "U.S.",
        "product": "EPG0",
        "product-name": "Natural Gas",
        "process": "IRP" if "Pipeline" in process else "IML",
        "process-name": process,
        "series": f"N9102{code}2",
        "series-description": f"U.S. Natural Gas {process} From {country} (MMcf)",
        "value": str(value),
        "units": "MMCF",
    }


def eia_answers(canada_crude: float = 1_400_000.0) -> dict[str, list[bytes]]:
    crude = [
        crude_row(2022, "NUS-NCA", "CANADA", canada_crude),
        crude_row(2022, "NUS-NMX", "MEXICO", 280_000),
        crude_row(2022, "NUS-NSA", "SAUDI ARABIA", 200_000),
        crude_row(2022, "NUS-NCA", "CANADA", canada_crude / 365, "MBBL/D"),
        crude_row(2022, "NUS-OPN", "OPEC", 300_000),
    ]
    gas_in = [
        gas_row(2022, "Canada", "CA", "Pipeline Imports", 2_900_000),
        gas_row(2022, "Trinidad and Tobago", "TD", "Liquefied Natural Gas Imports", 40_000),
    ]
    gas_out = [gas_row(2022, "Canada", "CA", "Pipeline Exports", 1_000_000)]
    # The crude answer comes in two pages, as the API pages past 5,000 rows.
    return {
        "petroleum/move/impcus": [eia_page(crude[:3], total=5), eia_page(crude[3:], total=5)],
        "natural-gas/move/impc": [eia_page(gas_in, route="natural-gas/move/impc")],
        "natural-gas/move/expc": [eia_page(gas_out, route="natural-gas/move/expc")],
    }


@pytest.fixture
def eia_api(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> Loopback:
    monkeypatch.setenv("CANUS_EIA_API", loopback.url("/v2"))
    monkeypatch.setenv("CANUS_EIA_API_KEY", KEY)
    return loopback


def serve_eia(loopback: Loopback, answers: dict[str, list[bytes]]) -> None:
    for route, pages in answers.items():
        loopback.queue(f"/v2/{route}/data/", *[Reply(200, p, {"Content-Type": "application/json"}) for p in pages])


def test_eia_without_key_is_skipped_with_help(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CANUS_EIA_API_KEY", raising=False)
    [r] = update([EIA])
    assert r.status == "skipped"
    assert "CANUS_EIA_API_KEY" in str(r.error) and "eia.gov/opendata/register" in str(r.error)


def test_eia_pages_load_countries_and_key_stays_out_of_the_record(eia_api: Loopback) -> None:
    serve_eia(eia_api, eia_answers())
    [r] = update([EIA])
    assert r.status == "updated", r.error
    # The second page was asked at offset 3 (what the first brought), with the key in the query.
    crude_calls = [urlparse(p) for m, p, _, _ in eia_api.requests if "impcus" in p]
    assert [parse_qs(u.query)["offset"] for u in crude_calls] == [["0"], ["3"]]
    assert parse_qs(crude_calls[0].query)["api_key"] == [KEY]
    assert parse_qs(crude_calls[0].query)["facets[product][]"] == ["EPC0"]
    with Warehouse().read() as con:
        # Per-day duplicates left out; OPEC kept but not a country.
        assert con.execute("SELECT count(*) FROM eia_energy_trade WHERE form = 'crude_oil'").fetchone()[0] == 4
        assert con.execute("SELECT is_country FROM eia_energy_trade WHERE partner = 'OPEC'").fetchone()[0] is False
        # Gas partner read from the series description when the area is the US itself.
        assert con.execute("""SELECT partner, mode FROM eia_energy_trade WHERE form = 'natural_gas'
                              AND flow = 'us_imports' ORDER BY value DESC""").fetchall() == [
            ("Canada", "pipeline"),
            ("Trinidad and Tobago", "lng"),
        ]
        files = con.execute("SELECT files FROM data_versions WHERE source_id = ?", [EIA]).fetchone()[0]
    assert KEY not in files


def test_eia_units_by_hand(eia_api: Loopback) -> None:
    serve_eia(eia_api, eia_answers())
    [r] = update([EIA])
    assert r.status == "updated", r.error
    with Warehouse().read() as con:
        flows = forms.energy_flows(con)
    crude = next(x for x in flows.rows if x["form"] == "crude_oil" and x["reported_by"] == "us")
    # 1,400,000 thousand barrels = 1.4e9 bbl × 0.158987 m³ = 222,582,213 m³ × 38.51 GJ = 8,571.64 PJ.
    assert crude["volume_bbl"] == pytest.approx(1.4e9)
    assert crude["volume_m3"] == pytest.approx(1.4e9 * 0.158987294928)
    assert crude["energy_pj"] == pytest.approx(8571.64, rel=1e-5)
    gas = next(x for x in flows.rows if x["form"] == "natural_gas" and x["direction"] == "canada_to_us")
    # 2,900,000 MMcf × 28.3168 thousand m³ × 38.32 GJ = 3,146.74 PJ.
    assert gas["energy_pj"] == pytest.approx(2_900_000 * 28.316846592 * 38.32 / 1e6)
    assert units.gas_mmcf_to_pj(1.0) == pytest.approx(0.001085102)
    assert units.mwh_to_pj(1_000_000) == pytest.approx(3.6)


@pytest.mark.parametrize(
    ("reply", "needle"),
    [
        (Reply(200, HTML, {"Content-Type": "text/html"}), "HTML page"),
        (
            Reply(
                403, b'{"error":{"code":"API_KEY_INVALID","message":"bad key"}}', {"Content-Type": "application/json"}
            ),
            "CANUS_EIA_API_KEY",
        ),
        (Reply(200, b'{"error":{"code":"API_KEY_MISSING"}}', {"Content-Type": "application/json"}), "API_KEY_MISSING"),
        (
            Reply(
                200,
                eia_page(
                    [{k.replace("period", "year"): v for k, v in crude_row(2022, "NUS-NCA", "CANADA", 1.0).items()}]
                ),
                {"Content-Type": "application/json"},
            ),
            "period",
        ),
    ],
)
def test_eia_bad_answer_fails_and_keeps_warehouse(eia_api: Loopback, reply: Reply, needle: str) -> None:
    from canus.settings import get_settings
    from tests.conftest import sha256_of

    serve_eia(eia_api, eia_answers())
    [r] = update([EIA])
    assert r.status == "updated", r.error
    before = sha256_of(get_settings().warehouse_path)
    eia_api.queue("/v2/petroleum/move/impcus/data/", reply)
    serve_eia(eia_api, {k: v for k, v in eia_answers().items() if k != "petroleum/move/impcus"})
    r2 = assert_update_fails_keeping_warehouse(EIA, before, needle)
    assert KEY not in str(r2.error)


# ---------------------------------------------------------------------------- ranks and the claim


def _t173(con: duckdb.DuckDBPyConnection, partners: dict[str, float]) -> None:
    """The columns of statcan_12100173 the rank reads, as the family's reader writes them."""
    con.execute("""CREATE TABLE statcan_12100173 (ref_date VARCHAR, period DATE, geo VARCHAR, trading_partner VARCHAR,
                   north_american_product_classification_system_napcs VARCHAR, trade VARCHAR, value DOUBLE,
                   source_id VARCHAR)""")
    for p, v in partners.items():
        con.execute(
            "INSERT INTO statcan_12100173 VALUES ('2022', DATE '2022-01-01', 'Canada', ?, "
            "'Energy products [C12]', 'Import', ?, 'statcan-12100173')",
            [p, v],
        )
    con.execute(
        "INSERT INTO statcan_12100173 VALUES ('2022', DATE '2022-01-01', 'Canada', 'All countries', "
        "'Energy products [C12]', 'Import', 99e9, 'statcan-12100173')"
    )


def _warehouse_with(eia_api: Loopback, canada_crude: float) -> duckdb.DuckDBPyConnection:
    serve_eia(eia_api, eia_answers(canada_crude))
    [r] = update([EIA])
    assert r.status == "updated", r.error
    from canus.settings import get_settings

    con = duckdb.connect()
    con.execute(f"ATTACH '{get_settings().warehouse_path}' AS wh (READ_ONLY)")
    con.execute("CREATE TABLE eia_energy_trade AS SELECT * FROM wh.eia_energy_trade")
    con.execute("CREATE TABLE data_versions AS SELECT * FROM wh.data_versions")
    con.execute("DETACH wh")
    return con


def test_supplier_rank_canada_first_and_claim_supported(eia_api: Loopback) -> None:
    con = _warehouse_with(eia_api, 1_400_000)
    _t173(con, {"United States": 20e9, "Norway": 2e9, "Nigeria": 1e9})
    table = forms.supplier_ranks(con)
    by = {(r["importer"], r["form"]): r for r in table.rows}
    assert by[("united_states", "crude_oil")]["rank"] == 1
    assert by[("united_states", "all_energy")]["rank"] == 1
    assert by[("canada", "all_energy")]["rank"] == 1
    assert by[("canada", "all_energy")]["share"] == pytest.approx(20 / 23)
    obs = supplier_claim.observe(con, "2022")
    assert obs is not None and obs.value == 1.0 and obs.period == "2022"
    assert obs.detail["canada_rank_in_us_imports"] == 1 and obs.detail["us_rank_in_canada_imports"] == 1
    assert set(obs.source_ids) == {"eia-energy-trade", "statcan-12100173"}
    assert "Canada" in obs.notes[0].render("en") and obs.notes[0].render("fr") != obs.notes[0].render("en")


def test_supplier_rank_canada_not_first_and_claim_contradicted(eia_api: Loopback) -> None:
    # Canada's crude falls below Mexico's and Saudi Arabia's, and its gas alone does not make up
    # the difference: 100,000 thousand bbl ≈ 612 PJ against Mexico's 1,714 PJ.
    con = _warehouse_with(eia_api, 100_000)
    _t173(con, {"United States": 20e9, "Norway": 2e9})
    gas_pj = 2_900_000 * 28.316846592 * 38.32 / 1e6
    by = {(r["importer"], r["form"]): r for r in forms.supplier_ranks(con).rows}
    assert by[("united_states", "crude_oil")]["rank"] == 3
    assert by[("united_states", "crude_oil")]["first_partner"] == "MEXICO"
    # All energy: Canada's gas (3,147 PJ) still puts it first; so contradict on the other side too.
    assert by[("united_states", "all_energy")]["rank"] == (1 if gas_pj + 612 > 1714 else 2)
    con.execute("UPDATE statcan_12100173 SET value = 30e9 WHERE trading_partner = 'Norway'")
    obs = supplier_claim.observe(con, None)
    assert obs is not None and obs.value == 2.0
    assert obs.detail["us_rank_in_canada_imports"] == 2 and obs.detail["canada_first_supplier"] == "Norway"


def test_supplier_claim_names_missing_tables() -> None:
    with pytest.raises(MissingSource) as e:
        supplier_claim.observe(duckdb.connect(), "2022")
    assert "eia-energy-trade" in e.value.what and "statcan-12100173" in e.value.what
    assert set(e.value.source_ids) == {"eia-energy-trade", "statcan-12100173"}
    with pytest.raises(MissingSource):
        supplier_claim.observe(None, None)


def test_metrics_empty_without_tables() -> None:
    con = duckdb.connect()
    for fn in (
        forms.energy_flows,
        forms.crude_oil_exports,
        forms.natural_gas_trade,
        forms.partner_shares,
        forms.supplier_ranks,
    ):
        assert fn(con).rows == []


def test_specs_are_declared_for_every_metric() -> None:
    ids = [s.id for s in forms.SPECS]
    assert len(ids) == len(set(ids))
    for s in forms.SPECS:
        assert getattr(forms, s.function)(duckdb.connect()).id == s.id
        assert s.basis in ("measured", "proxy", "estimate") and s.tables


def test_mirror_layout_reads_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "mirror" / EIA
    folder.mkdir(parents=True)
    answers = eia_answers()
    names = {
        "petroleum/move/impcus": "crude-imports",
        "natural-gas/move/impc": "gas-imports",
        "natural-gas/move/expc": "gas-exports",
    }
    for route, pages in answers.items():
        for i, body in enumerate(pages, 1):
            (folder / f"{names[route]}-p{i}.json").write_bytes(body)
    monkeypatch.setenv("CANUS_MIRROR", str(tmp_path / "mirror"))
    monkeypatch.setenv("CANUS_EIA_API_KEY", KEY)
    [r] = update([EIA])
    assert r.status == "updated", r.error
    assert r.rows == 4 + 2 + 1 and r.as_of == "2022"


def test_census_hs27_value_rank_when_the_census_table_is_loaded(eia_api: Loopback) -> None:
    con = _warehouse_with(eia_api, 1_400_000)
    _t173(con, {"United States": 20e9, "Norway": 2e9})
    con.execute("""CREATE TABLE census_energy_partners (direction VARCHAR, period DATE, form VARCHAR,
                   cty_code VARCHAR, cty_name VARCHAR, value_usd DOUBLE)""")
    for month in range(1, 13):
        for code, name, v in (
            ("1220", "CANADA", 10e9),
            ("2010", "MEXICO", 3e9),
            ("5170", "SAUDI ARABIA", 12e9),
            ("0003", "EUROPEAN UNION", 50e9),
            ("-", "TOTAL FOR ALL COUNTRIES", 90e9),
        ):
            con.execute(
                "INSERT INTO census_energy_partners VALUES ('us_imports', ?, 'all_energy', ?, ?, ?)",
                [f"2022-{month:02d}-01", code, name, v],
            )
    rows = [r for r in forms.supplier_ranks(con).rows if r["measure"] == "value_usd"]
    # Groupings (0003) and the world total (-) never count; by value Saudi Arabia is first here.
    assert len(rows) == 1 and rows[0]["rank"] == 2 and rows[0]["first_partner"] == "SAUDI ARABIA"
    assert rows[0]["partners"] == 3
    obs = supplier_claim.observe(con, "2022")
    # The verdict rests on energy content (EIA); the value rank is reported beside it.
    assert obs is not None and obs.value == 1.0
    assert obs.detail["by_form"]["united_states:all_energy_value"] == 2


# ---------------------------------------------------------------------------- CER crude oil by type

TYPE = "cer-crude-oil-exports-type"
TYPE_GOOD = (FIXTURES / "energy" / "crude-oil-exports-by-type-monthly.csv").read_bytes()


@pytest.fixture
def type_url(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_URL_CER_CRUDE_OIL_EXPORTS_TYPE", loopback.url("/type.csv"))


def test_crude_by_type_reads_month_day_year_periods(loopback: Loopback, type_url: None) -> None:
    publish_over_loopback(loopback, "/type.csv", Reply(200, TYPE_GOOD), TYPE)
    with Warehouse().read() as con:
        got = con.execute("""SELECT oil_type, volume_m3 FROM cer_crude_exports_by_type
                             WHERE period = DATE '2022-01-01' ORDER BY oil_type""").fetchall()
        heavy_feb = con.execute("""SELECT m3_per_day, confidential FROM cer_crude_exports_by_type
                                   WHERE oil_type = 'Heavy' AND period = DATE '2022-02-01'""").fetchone()
    assert got == [("Heavy", 415000 * 31), ("Light", 60000 * 31), ("Medium", 40000 * 31)]
    assert heavy_feb == (None, True)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (HTML, "HTML page"),
        (TYPE_GOOD.replace(b'"Oil Type"', b'"Crude Type"', 1), "Oil Type"),
        (TYPE_GOOD.replace(b'"Light","60000"', b'"Light","61000"', 1), "do not match"),
    ],
)
def test_crude_by_type_bad_download_fails_and_keeps_warehouse(
    loopback: Loopback, type_url: None, body: bytes, needle: str
) -> None:
    before = publish_over_loopback(loopback, "/type.csv", Reply(200, TYPE_GOOD), TYPE)
    loopback.queue("/type.csv", Reply(200, body))
    assert_update_fails_keeping_warehouse(TYPE, before, needle)


# ---------------------------------------------------------------- the page's claim, judged


def _energy_claim(con: duckdb.DuckDBPyConnection):  # type: ignore[no-untyped-def]
    from canus.claims.checker import check_claim
    from canus.claims.models import load_claims

    return check_claim(next(c for c in load_claims() if c.id == "energy-top-sources"), con)


def test_energy_claim_supported_when_each_is_the_others_first(eia_api: Loopback) -> None:
    con = _warehouse_with(eia_api, 1_400_000)
    _t173(con, {"United States": 20e9, "Norway": 2e9, "Nigeria": 1e9})
    r = _energy_claim(con)
    assert r.verdict == "supported" and r.value == 1 and r.period == "2022"
    assert r.detail["canada_rank_in_us_imports"] == 1 and r.detail["us_rank_in_canada_imports"] == 1


def test_energy_claim_contradicted_when_another_country_is_first(eia_api: Loopback) -> None:
    con = _warehouse_with(eia_api, 1_400_000)
    _t173(con, {"Norway": 20e9, "United States": 2e9})
    r = _energy_claim(con)
    assert r.verdict == "contradicted" and r.detail["us_rank_in_canada_imports"] == 2


def test_energy_claim_waits_for_its_named_sources() -> None:
    r = _energy_claim(duckdb.connect())
    assert r.verdict == "not_checkable"
    assert set(r.missing_ids) == {"eia-energy-trade", "statcan-12100173"}
    assert "eia_energy_trade" in (r.missing_text() or "")
