"""Great Lakes levels: the USACE layout, download paths, metrics and the real file."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from canus.pillars.environment import metrics as environment
from canus.pipeline import update
from canus.warehouse import Warehouse
from tests.builders import assert_update_fails_keeping_warehouse, publish_over_loopback
from tests.conftest import FIXTURES
from tests.loopback import Loopback, Reply

SOURCE = "great-lakes-water-levels"
NAME = "GLHYD_data_metric.csv"
GOOD = (FIXTURES / "environment" / NAME).read_bytes()
PATH = "/ForecastData/WaterLevelData/" + NAME


@pytest.fixture
def lakes_url(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> str:
    url = loopback.url(PATH)
    monkeypatch.setenv("CANUS_URL_GREAT_LAKES_WATER_LEVELS", url)
    return url


def publish(loopback: Loopback) -> str:
    return publish_over_loopback(loopback, PATH, Reply(200, GOOD), SOURCE)


def test_download_skips_comment_block_and_blank_months(loopback: Loopback, lakes_url: str) -> None:
    publish(loopback)
    with Warehouse().read() as con:
        # 5 lakes x (24 months of 2016-2017 + Jan-Mar 2018); the blank April 2018 is left out.
        assert con.execute("SELECT count(*) FROM great_lakes_levels").fetchone()[0] == 5 * 27
        assert con.execute(
            "SELECT level_m FROM great_lakes_levels WHERE lake = 'Ontario' AND period = '2017-06-01'"
        ).fetchone()[0] == pytest.approx(74.92)
        assert con.execute("SELECT as_of FROM data_versions WHERE source_id = ?", [SOURCE]).fetchone()[0] == "2018-03"


def test_metric_latest_complete_year_against_long_term_mean(loopback: Loopback, lakes_url: str) -> None:
    publish(loopback)
    with Warehouse().read() as con:
        table = environment.great_lakes_levels(con)
    assert [r["lake"] for r in table.rows] == ["Superior", "Michigan-Huron", "St. Clair", "Erie", "Ontario"]
    superior = table.rows[0]
    # 2018 is partial, so 2017 is the latest year; the mean of 2016 and 2017 is 183.46.
    assert superior["latest_year"] == 2017
    assert superior["latest_mean_m"] == pytest.approx(183.52)
    assert superior["long_term_mean_m"] == pytest.approx(183.46)
    assert superior["difference_m"] == pytest.approx(0.06)
    assert table.provenance[0].source_id == SOURCE
    assert table.to_json("fr")["columns"][0]["label"] == "Lac"


def test_metric_empty_without_table() -> None:
    assert environment.great_lakes_levels(duckdb.connect()).rows == []


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"<html><head><title>503</title></head><body>Maintenance</body></html>", "HTML page"),
        (GOOD.replace(b"Michigan-Huron,St. Clair", b"Michigan,St. Clair", 1), "Michigan-Huron"),
        # The same file in feet would pass a column check: levels show it.
        (GOOD.replace(b"183.40", b"601.71"), "feet"),
    ],
)
def test_bad_download_fails_and_keeps_warehouse(loopback: Loopback, lakes_url: str, body: bytes, needle: str) -> None:
    before = publish(loopback)
    loopback.queue(PATH, Reply(200, body))
    assert_update_fails_keeping_warehouse(SOURCE, before, needle)


@pytest.mark.shared_data
def test_real_file(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANUS_MIRROR", str(shared_data))
    [r] = update([SOURCE])
    assert r.status == "updated", r.error
    # 1918-01..2017-12, 5 lakes x 1,200 months, no gaps.
    assert r.rows == 6000 and r.as_of == "2017-12"
    with Warehouse().read() as con:
        rows = {row["lake"]: row for row in environment.great_lakes_levels(con).rows}
    # Computed once with DuckDB on the file: 2017 mean of Superior's twelve months, and
    # the mean of all 1,200 months 1918-2017.
    assert rows["Superior"]["latest_year"] == 2017
    assert rows["Superior"]["latest_mean_m"] == pytest.approx(183.6308, abs=1e-4)
    assert rows["Superior"]["long_term_mean_m"] == pytest.approx(183.4041, abs=1e-4)
    assert rows["Ontario"]["difference_m"] == pytest.approx(75.175 - 74.7592, abs=1e-3)
