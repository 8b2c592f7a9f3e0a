"""French everywhere, and the supply-chain claim on an estimate, on a fixture warehouse.

The warehouse is real DuckDB written at ``CANUS_HOME``: BTS-shaped crossings (so the people
claims quote the one-way count while naming 24-10-0053) and a small 12-10-0173 table in the
loaded layout (so the supply-chain claim is checked on canus's estimate).
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from canus import i18n
from canus.claims.checker import Result, check_all
from canus.claims.models import load_claims
from canus.cli import app
from canus.settings import get_settings
from canus.warehouse import VERSIONS_DDL, attach_readonly
from canus.web.app import create_app

NAPCS = "north_american_product_classification_system_napcs"


def build(path: Path, sections: dict[str, float], bts_per_day: float = 1000) -> Path:
    """BTS crossings for 2019 and 2022; 12-10-0173 exports to the US in 2022 by section."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(VERSIONS_DDL)
    con.execute("""CREATE TABLE border_crossings (port_code VARCHAR, period DATE, measure VARCHAR,
                   value BIGINT, direction VARCHAR, source_id VARCHAR, snapshot_sha256 VARCHAR)""")
    for year in (2019, 2022):
        for month in range(1, 13):
            days = calendar.monthrange(year, month)[1]
            con.execute(
                "INSERT INTO border_crossings VALUES ('0901', ?, 'Pedestrians', ?, "
                "'into_us', 'bts-border-crossings', 'abc')",
                [dt.date(year, month, 1), round(bts_per_day * days)],
            )
    con.execute(
        "CREATE TABLE ports (port_code VARCHAR, port_name VARCHAR, state VARCHAR, latitude DOUBLE, longitude DOUBLE)"
    )
    con.execute(f"""CREATE TABLE statcan_12100173 (period DATE, geo VARCHAR,
                    trading_partner VARCHAR, {NAPCS} VARCHAR, trade VARCHAR, value DOUBLE,
                    source_id VARCHAR, snapshot_sha256 VARCHAR)""")
    for section, value in [*sections.items(), ("All sections", sum(sections.values()))]:
        # Both directions: a year with exports and no imports crashes trade.goods_yearly (reported).
        for trade in ("Export", "Import"):
            con.execute(
                "INSERT INTO statcan_12100173 VALUES ('2022-01-01', 'Canada', "
                "'United States', ?, ?, ?, 'statcan-12100173', 'def')",
                [section, trade, value],
            )
    for sid, as_of in (("bts-border-crossings", "2023-12"), ("statcan-12100173", "2022")):
        con.execute(
            "INSERT INTO data_versions VALUES (?, 'abc', '[]', 1, ?, now()::TIMESTAMP, now()::TIMESTAMP, NULL, '{}')",
            [sid, as_of],
        )
    con.close()
    return path


def results(tmp_path: Path, sections: dict[str, float]) -> dict[str, Result]:
    path = build(tmp_path / f"wh{len(list(tmp_path.glob('wh*')))}.duckdb", sections)
    con = attach_readonly(path)
    try:
        return {r.claim.id: r for r in check_all(con)}
    finally:
        con.close()


def test_supply_chain_claim_moves_with_the_estimate(tmp_path: Path) -> None:
    # Energy is an input, consumer goods are final: 80 of 100 → 80 %, the page's figure.
    r = results(tmp_path, {"Energy products [C12]": 80.0, "Consumer goods [C22]": 20.0})
    sc = r["supply-chain-80pct"]
    assert sc.verdict == "supported" and sc.value == pytest.approx(0.8)
    assert sc.verdict_label("en") == "supported, on an estimate"
    # Half mixed (motor vehicles), half consumer: central 25 %, far from four-fifths.
    r = results(tmp_path, {"Motor vehicles and parts [C19]": 50.0, "Consumer goods [C22]": 50.0})
    sc = r["supply-chain-80pct"]
    assert sc.verdict == "contradicted" and sc.value == pytest.approx(0.25)
    assert sc.detail == {"low": 0.0, "central": 0.25, "high": 0.5}
    # BTS is loaded but the Canadian side is not: the people claims are not decided by BTS.
    people = r["people-per-day-prepandemic"]
    assert people.verdict == "not_checkable" and people.value is None
    assert people.missing_ids == ["statcan-24100041"]  # 2019: before 24-10-0053 begins
    assert "1,000 people a day" in people.as_dict("en")["notes"][0]


def test_cli_and_pages_in_french_miss_no_translation(tmp_path: Path) -> None:
    before = i18n.missing_translations()
    runner = CliRunner()
    # Without a warehouse, then with one.
    assert runner.invoke(app, ["check", "--format", "json", "--lang", "fr"]).exit_code == 0
    build(get_settings().warehouse_path, {"Energy products [C12]": 80.0, "Consumer goods [C22]": 20.0})
    res = runner.invoke(app, ["check", "--format", "json", "--lang", "fr"])
    assert res.exit_code == 0, res.output
    rows = {r["id"]: r for r in json.loads(res.output)}
    assert rows["supply-chain-80pct"]["verdict_label"] == "étayée, sur une estimation"
    assert "24-10-0053-01" in rows["people-per-day-prepandemic"]["missing_source"]
    assert "1 000 personnes par jour" in rows["people-per-day-prepandemic"]["notes"][0].replace("\u202f", " ").replace(
        "\xa0", " "
    )
    table = runner.invoke(app, ["check", "--lang", "fr"], env={"COLUMNS": "300"})
    assert table.exit_code == 0 and "manque" in table.output
    assert runner.invoke(app, ["editions", "--lang", "fr"]).exit_code == 0

    client = TestClient(create_app())
    for url in [
        "/fr/affirmations",
        "/fr/affirmations/editions",
        "/api/claims?lang=fr",
        "/api/claims.csv?lang=fr",
        *(f"/fr/affirmations/{c.id}" for c in load_claims()),
    ]:
        assert client.get(url).status_code == 200, url
    assert i18n.missing_translations() - before == set()
