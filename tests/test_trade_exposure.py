"""The tariff exposure calculator and ``canus trade exposure``, on hand-worked fixtures."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from canus.cli import app
from canus.pillars.trade.exposure import (
    RatesError,
    exposure,
    load_rates,
    schedule_from_params,
)
from canus.settings import get_settings
from tests.test_trade_metrics import build_trade_warehouse

B = 1e9
RATES = """
name: Test schedule
direction: exports
sections:
  C12: 10
  C19: 25%
chapters:
  "27": 10
  87: 25
"""


def _add_states(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TABLE census_trade_state (direction VARCHAR, period DATE, state VARCHAR, "
        "hs2 VARCHAR, value_usd DOUBLE, source_id VARCHAR, snapshot_sha256 VARCHAR)"
    )
    jan = dt.date(2023, 1, 1)
    con.executemany(
        "INSERT INTO census_trade_state VALUES (?, ?, ?, ?, ?, 'census-trade', 's')",
        [
            ("us_imports_from_canada", jan, "MI", "27", 2 * B),
            ("us_imports_from_canada", jan, "MI", "87", 3 * B),
            ("us_imports_from_canada", jan, "IL", "27", 4 * B),
            ("us_exports_to_canada", jan, "TX", "27", 0.7 * B),
        ],
    )


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    build_trade_warehouse(c)
    _add_states(c)
    return c


@pytest.fixture
def rates_file(tmp_path: Path) -> Path:
    p = tmp_path / "rates.yaml"
    p.write_text(RATES)
    return p


def test_by_product(con: duckdb.DuckDBPyConnection, rates_file: Path) -> None:
    t = exposure(con, load_rates(rates_file), by="product")
    rows = {r["group"]: r for r in t.rows}
    # Canada's 2023 exports to the US: energy 180 bn × 10 % = 18 bn; motor vehicles 90 bn ×
    # 25 % = 22.5 bn; the other sections (200 + 30 + 60 + 40 = 330 bn) carry no rate.
    assert rows["Motor vehicles and parts [C19]"]["duty"] == pytest.approx(22.5 * B)
    assert rows["Energy products [C12]"]["duty"] == pytest.approx(18 * B)
    assert rows["Consumer goods [C22]"]["exposed"] == 0
    assert t.rows[0]["group"] == "Motor vehicles and parts [C19]"  # largest duty first
    # Totals: 600 bn of trade, 180 + 90 = 270 bn exposed, 18 + 22.5 = 40.5 bn of duty.
    assert float(t.summary["value"]) == pytest.approx(600 * B)
    assert float(t.summary["exposed"]) == pytest.approx(270 * B)
    assert float(t.summary["duty"]) == pytest.approx(40.5 * B)
    assert t.summary["year"] == "2023" and t.summary["currency"] == "CAD"
    assert rows["Energy products [C12]"]["effective_rate"] == pytest.approx(0.10)


def test_by_province_with_a_default_rate(con: duckdb.DuckDBPyConnection) -> None:
    sched = schedule_from_params("C12:10,C19:25", None, "5")
    rows = {r["group"]: r for r in exposure(con, sched, year=2023, by="province").rows}
    # Ontario: C19 80 × 25 % = 20, C12 10 × 10 % = 1, C22 210 × 5 % (default) = 10.5 → 31.5 bn,
    # all 300 bn exposed. Alberta: C12 140 × 10 % = 14, C23 10 × 5 % = 0.5 → 14.5 bn.
    assert rows["Ontario"]["duty"] == pytest.approx(31.5 * B)
    assert rows["Ontario"]["exposed"] == pytest.approx(300 * B)
    assert rows["Alberta"]["duty"] == pytest.approx(14.5 * B)
    assert "Canada" not in rows


def test_by_state_in_us_dollars(con: duckdb.DuckDBPyConnection, rates_file: Path) -> None:
    t = exposure(con, load_rates(rates_file), by="state")
    rows = {r["group"]: r for r in t.rows}
    # US imports from Canada: MI 2 bn × 10 % + 3 bn × 25 % = 0.95 bn; IL 4 bn × 10 % = 0.4 bn.
    # TX appears only in US exports to Canada, which these rates do not touch.
    assert rows["MI"]["duty"] == pytest.approx(0.95 * B)
    assert rows["IL"]["duty"] == pytest.approx(0.4 * B)
    assert set(rows) == {"MI", "IL"} and t.summary["currency"] == "USD"


def test_canadian_counter_tariffs(con: duckdb.DuckDBPyConnection) -> None:
    sched = schedule_from_params("C19:25", None, None, direction="imports")
    t = exposure(con, sched, by="product")
    # Canada's imports from the US: C19 200 bn × 25 % = 50 bn; C22 280 bn untouched.
    assert float(t.summary["duty"]) == pytest.approx(50 * B)
    assert float(t.summary["value"]) == pytest.approx(480 * B)


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("sections: {C12: ten}", "not a number"),
        ("sections: {X12: 10}", "not a valid code"),
        ("sections: {C12: -4}", "from 0 to 1000"),
        ("direction: sideways\nsections: {C12: 4}", "exports or imports"),
        ("name: nothing", "no rate"),
        ("sections: [C12, 10]", "mapping"),
        ("sections: {C12: 10", "not valid YAML"),
    ],
)
def test_bad_rate_files_name_the_file_and_the_problem(tmp_path: Path, text: str, needle: str) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    with pytest.raises(RatesError) as e:
        load_rates(p)
    assert needle in str(e.value) and "bad.yaml" in str(e.value)


def test_state_breakdown_needs_chapter_rates(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(RatesError, match="HS chapter"):
        exposure(con, schedule_from_params("C12:10", None, None), by="state")


def test_example_rates_file_loads() -> None:
    from canus.pillars.trade import exposure as mod

    example = Path(mod.__file__).parent / "data" / "example-rates.yaml"
    sched = load_rates(example)
    assert sched.sections["C19"] == 25 and sched.chapters["27"] == 10 and "C23" not in sched.sections


# ---------------------------------------------------------------------------- command line


@pytest.fixture
def published() -> Path:
    path = get_settings().warehouse_path
    path.parent.mkdir(parents=True, exist_ok=True)
    c = duckdb.connect(str(path))
    build_trade_warehouse(c)
    _add_states(c)
    c.close()
    return path


def test_cli_json(published: Path, rates_file: Path) -> None:
    r = CliRunner().invoke(
        app, ["trade", "exposure", "--rates", str(rates_file), "--year", "2023", "--by", "province", "--format", "json"]
    )
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    # Ontario 20 + 1 = 21 bn; Alberta 14 bn → 35 bn in all.
    assert doc["totals"]["duty"] == pytest.approx(35 * B)
    assert {row["group"]: row["duty"] for row in doc["rows"]} == {
        "Ontario": pytest.approx(21 * B),
        "Alberta": pytest.approx(14 * B),
    }
    assert doc["sources"][0]["source_id"] == "statcan-12100173"


def test_cli_table_in_french_and_csv(published: Path, rates_file: Path) -> None:
    r = CliRunner().invoke(app, ["trade", "exposure", "--rates", str(rates_file), "--lang", "fr"])
    assert r.exit_code == 0, r.output
    assert "40,5\u00a0milliards de dollars" in r.output  # total duty in French wording
    r = CliRunner().invoke(app, ["trade", "exposure", "--rates", str(rates_file), "--by", "state", "--format", "csv"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "year,group,value,exposed,duty,effective_rate"
    assert lines[1].startswith("2023,MI,5000000000.0,5000000000.0,950000000.0")


def test_cli_bad_rates_file(published: Path, tmp_path: Path) -> None:
    p = tmp_path / "r.yaml"
    p.write_text("sections: {C12: ten}")
    r = CliRunner().invoke(app, ["trade", "exposure", "--rates", str(p)])
    assert r.exit_code == 1 and "r.yaml" in r.output and "C12" in r.output
