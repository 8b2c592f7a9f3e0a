"""The full BTS file from ../shared/data, through the mirror: known totals."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from canus.pillars.border import metrics as border
from canus.pipeline import update
from canus.settings import get_settings

pytestmark = pytest.mark.shared_data


@pytest.fixture
def bts_warehouse(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> duckdb.DuckDBPyConnection:
    monkeypatch.setenv("CANUS_MIRROR", str(shared_data))
    [r] = update(["bts-border-crossings"])
    assert r.status == "updated", r.error
    con = duckdb.connect(str(get_settings().warehouse_path), read_only=True)
    yield con
    con.close()


def test_known_totals(bts_warehouse: duckdb.DuckDBPyConnection, shared_data: Path) -> None:
    con = bts_warehouse
    notes = con.execute("SELECT notes::JSON->>'rows_published', rows FROM data_versions").fetchone()
    # 307,329 US-Canada rows as published; 4 of them are exact duplicates (Detroit and Fort Kent,
    # June 2019), which the tidy table counts once.
    assert notes == ("307329", 307325)
    raw = con.execute(
        'SELECT sum("Value") FROM read_csv(?, all_varchar=false) '
        "WHERE \"Border\" = 'US-Canada Border' AND \"Measure\" = 'Personal Vehicle Passengers'",
        [str(shared_data / "bts-border-crossings" / "Border_Crossing_Entry_Data.csv.gz")],
    ).fetchone()[0]
    assert raw == 1_724_647_127
    dup = con.execute(
        "SELECT sum(value) FROM border_crossings WHERE period = '2019-06-01' "
        "AND port_code IN ('3801', '0110') AND measure = 'Personal Vehicle Passengers'"
    ).fetchone()[0]
    ours = con.execute(
        "SELECT sum(value) FROM border_crossings WHERE measure = 'Personal Vehicle Passengers'"
    ).fetchone()[0]
    assert ours + dup == 1_724_647_127


def test_ports(bts_warehouse: duckdb.DuckDBPyConnection) -> None:
    con = bts_warehouse
    # 89 named ports with coordinates; code 3315 ("Chief Mountain Mt Poe") appears in two rows
    # without state or coordinates, so the table holds 90 codes.
    assert con.execute("SELECT count(*) FROM ports WHERE latitude IS NOT NULL").fetchone()[0] == 89
    assert con.execute("SELECT count(DISTINCT port_name) FROM ports").fetchone()[0] == 89
    assert con.execute("SELECT count(*) FROM ports").fetchone()[0] == 90
    assert con.execute("SELECT min(period), max(period) FROM border_crossings").fetchone() == (
        __import__("datetime").date(1996, 1, 1),
        __import__("datetime").date(2025, 6, 1),
    )


def test_people_per_day_2019_is_well_below_the_pages_400000(bts_warehouse: duckdb.DuckDBPyConnection) -> None:
    # BTS counts only entries into the US at land ports: a fraction of the page's two-way, all-mode figure.
    value, year = border.people_per_day(bts_warehouse, 2019)
    assert year == 2019
    assert 50_000 < value < 200_000
    ports = border.busiest_ports(bts_warehouse, 2019, top=3)
    assert [r["rank"] for r in ports.rows] == [1, 2, 3]
    assert ports.rows[0]["people"] >= ports.rows[1]["people"] >= ports.rows[2]["people"]
