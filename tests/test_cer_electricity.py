"""CER electricity trade: reading the published layout, download paths, and the real file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from canus.pillars.energy import metrics as energy
from canus.pipeline import update
from canus.warehouse import Warehouse
from tests.builders import assert_update_fails_keeping_warehouse, publish_over_loopback
from tests.conftest import FIXTURES
from tests.loopback import Loopback, Reply

SOURCE = "cer-electricity-trade"
NAME = "electricity-exports-and-imports-monthly.csv"
GOOD = (FIXTURES / "energy" / NAME).read_bytes()
PATH = "/open/imports-exports/" + NAME


@pytest.fixture
def cer_url(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> str:
    url = loopback.url(PATH)
    monkeypatch.setenv("CANUS_URL_CER_ELECTRICITY_TRADE", url)
    return url


def publish(loopback: Loopback, body: bytes = GOOD) -> str:
    return publish_over_loopback(loopback, PATH, Reply(200, body), SOURCE)


def test_download_loads_tidy_table_without_total_rows(loopback: Loopback, cer_url: str) -> None:
    publish(loopback)
    with Warehouse().read() as con:
        # 6 export + 2 import detail rows in each of 2 months; every Total row left out.
        assert con.execute("SELECT count(*) FROM electricity_trade").fetchone()[0] == 16
        assert (
            con.execute(
                "SELECT count(*) FROM electricity_trade WHERE province = 'Total' OR us_state = 'Total'"
            ).fetchone()[0]
            == 0
        )
        # Latin-1 decoded, and imports read the other way round (Source = US state).
        assert con.execute("""
            SELECT province, us_state FROM electricity_trade
            WHERE activity = 'import' AND period = DATE '2022-01-01' ORDER BY province
        """).fetchall() == [("British Columbia", "Washington"), ("Ontario", "New York")]
        assert con.execute("SELECT count(*) FROM electricity_trade WHERE province = 'Québec'").fetchone()[0] == 4
        # "Confidential" price is missing, not zero; blank destination kept as NULL.
        conf = con.execute("""
            SELECT price_cad_per_mwh, price_confidential FROM electricity_trade
            WHERE us_state = 'Minnesota'
        """).fetchall()
        assert conf == [(None, True), (None, True)]
        assert con.execute("SELECT sum(energy_mwh) FROM electricity_trade WHERE us_state IS NULL").fetchone()[0] == 20.0
        v = con.execute("SELECT as_of, notes FROM data_versions WHERE source_id = ?", [SOURCE]).fetchone()
        assert v[0] == "2022-02"


def test_metrics_empty_without_table() -> None:
    con = duckdb.connect()
    # Metrics on an empty warehouse are empty tables, not errors.
    assert energy.annual_trade(con).rows == []
    assert energy.top_provinces(con).rows == []
    assert energy.top_states(con, year=2022).rows == []


def test_metrics_values(loopback: Loopback, cer_url: str) -> None:
    publish(loopback)
    with Warehouse().read() as con:
        [year] = energy.annual_trade(con).rows
        # Exports: Jan 7,210 MW.h + Feb 14,410 MW.h; imports 500 + 1,000 MW.h (fixture sums).
        assert year["year"] == 2022 and year["months"] == 2
        assert year["exports_gwh"] == pytest.approx(21.62)
        assert year["imports_gwh"] == pytest.approx(1.5)
        assert year["net_exports_gwh"] == pytest.approx(20.12)
        assert year["exports_value_cad"] == pytest.approx(1_726_600)
        assert year["net_value_cad"] == pytest.approx(1_726_600 - 171_000)
        provinces = energy.top_provinces(con, year=2022)
        assert [r["province"] for r in provinces.rows][:3] == ["Québec", "British Columbia", "Manitoba"]
        assert provinces.rows[0]["exports_gwh"] == pytest.approx(15.0)
        assert sum(r["share_of_exports"] for r in provinces.rows) == pytest.approx(1.0)
        states = energy.top_states(con, year=2022, top=2)
        assert [r["us_state"] for r in states.rows] == ["New York", "New England-ISO"]
        table = energy.annual_trade(con).to_json("fr")
        assert table["title"].startswith("Commerce d'électricité")
        assert table["sources"][0]["licence"].startswith("Licence du gouvernement ouvert")
        assert table["sources"][0]["as_of"] == "2022-02"


def _corrupt(old: bytes, new: bytes) -> bytes:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"<!DOCTYPE html><html><body>Page not found</body></html>", "HTML page"),
        (_corrupt(b'"Energy (MW.h)"', b'"Energy (MWh)"'), "Energy (MW.h)"),
        # A detail row changed so it no longer adds up to the published grand total.
        (_corrupt(b'"Manitoba","Minnesota","700.0000"', b'"Manitoba","Minnesota","900.0000"'), "do not match"),
        (_corrupt(b'"02/01/2022"', b'"Feb 2022"'), "Period"),
    ],
)
def test_bad_download_fails_and_keeps_warehouse(loopback: Loopback, cer_url: str, body: bytes, needle: str) -> None:
    before = publish(loopback)
    loopback.queue(PATH, Reply(200, body))
    assert_update_fails_keeping_warehouse(SOURCE, before, needle)


@pytest.mark.shared_data
def test_real_file(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_MIRROR", str(shared_data))
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    # 40,107 published rows, of which 20,746 are Total rows (computed once with DuckDB on
    # the file); the rest is the tidy table.
    assert r.rows == 19_361 and r.as_of == "2023-07"
    with Warehouse().read() as con:
        [y2022] = [row for row in energy.annual_trade(con).rows if row["year"] == 2022]
        # The file's own "Total, Total" rows for 2022 sum to the same figures.
        assert y2022["exports_gwh"] == pytest.approx(65_404.5311529)
        assert y2022["exports_value_cad"] == pytest.approx(5_766_813_301.8596)
        assert y2022["imports_gwh"] == pytest.approx(14_116.2110254)
        assert energy.latest_complete_year(con) == 2022
        assert energy.top_provinces(con).rows[0]["province"] in ("Québec", "British Columbia")
