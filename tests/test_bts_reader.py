"""The BTS reader on fixture files we wrote in the publisher's three layouts."""

from __future__ import annotations

import datetime as dt
import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from canus.pipeline import update
from canus.settings import get_settings
from tests.conftest import FIXTURES

BTS = FIXTURES / "bts"
NAME = "Border_Crossing_Entry_Data.csv"


def mirror_with(tmp_path: Path, fixture: str, gz: bool = False) -> Path:
    mirror = tmp_path / "mirror"
    folder = mirror / "bts-border-crossings"
    folder.mkdir(parents=True, exist_ok=True)
    if gz:
        with (BTS / fixture).open("rb") as src, gzip.open(folder / f"{NAME}.gz", "wb") as dst:
            shutil.copyfileobj(src, dst)
    else:
        shutil.copy(BTS / fixture, folder / NAME)
    return mirror


def load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fixture: str, gz: bool = False) -> duckdb.DuckDBPyConnection:
    monkeypatch.setenv("CANUS_MIRROR", str(mirror_with(tmp_path, fixture, gz)))
    [result] = update(["bts-border-crossings"])
    assert result.status == "updated", result.error
    return duckdb.connect(str(get_settings().warehouse_path), read_only=True)


def test_current_export_month_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = load(tmp_path, monkeypatch, "current_export.csv")
    periods = {r[0] for r in con.execute("SELECT DISTINCT period FROM border_crossings").fetchall()}
    assert periods == {dt.date(2024, 1, 1), dt.date(2024, 2, 1)}
    # The US-Mexico row is left out; every other row is kept.
    assert con.execute("SELECT count(*) FROM border_crossings").fetchone()[0] == 11
    assert con.execute("SELECT count(*) FROM border_crossings WHERE port_code = '2504'").fetchone()[0] == 0
    # Port codes are 4-character strings: "209" becomes "0209".
    codes = {r[0] for r in con.execute("SELECT port_code FROM ports").fetchall()}
    assert codes == {"3004", "3801", "0209", "3315"}
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'border_crossings'"
        ).fetchall()
    )
    assert types["port_code"] == "VARCHAR" and types["value"] == "BIGINT" and types["period"] == "DATE"
    assert con.execute("SELECT DISTINCT direction FROM border_crossings").fetchall() == [("into_us",)]


def test_row_without_state_or_coordinates_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = load(tmp_path, monkeypatch, "current_export.csv")
    row = con.execute("SELECT state, value FROM border_crossings WHERE port_code = '3315'").fetchone()
    assert row == (None, 20)
    port = con.execute("SELECT latitude, longitude FROM ports WHERE port_code = '3315'").fetchone()
    assert port == (None, None)
    blaine = con.execute("SELECT latitude, longitude FROM ports WHERE port_code = '3004'").fetchone()
    assert blaine == pytest.approx((49.002, -122.757))


def test_short_dates_and_exact_duplicates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = load(tmp_path, monkeypatch, "copy_short_dates.csv", gz=True)
    assert con.execute("SELECT DISTINCT period FROM border_crossings").fetchall() == [(dt.date(2024, 3, 1),)]
    # The publisher's exact duplicate row is counted once, and the drop is recorded.
    assert con.execute("SELECT sum(value) FROM border_crossings WHERE port_code = '3801'").fetchone()[0] == 610000
    notes = con.execute("SELECT notes FROM data_versions").fetchone()[0]
    assert '"duplicates_dropped": "1"' in notes and '"rows_published": "3"' in notes


def test_2019_layout_timestamps_full_measures_and_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    con = load(tmp_path, monkeypatch, "export_2019.csv")
    measures = {r[0] for r in con.execute("SELECT DISTINCT measure FROM border_crossings").fetchall()}
    assert measures == {"Truck Containers Loaded", "Rail Containers Loaded", "Personal Vehicle Passengers"}
    assert {r[0] for r in con.execute("SELECT DISTINCT period FROM border_crossings").fetchall()} == {
        dt.date(2019, 3, 1),
        dt.date(2019, 4, 1),
    }
    # "209" and "0209" are one port; its coordinates come from the WKT Location column.
    assert con.execute("SELECT port_code, latitude, longitude FROM ports").fetchall() == [
        ("0209", pytest.approx(45.005), pytest.approx(-72.09944))
    ]
    assert con.execute("SELECT as_of FROM data_versions").fetchone()[0] == "2019-04"


def test_unknown_date_form_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = tmp_path / "mirror" / "bts-border-crossings"
    mirror.mkdir(parents=True)
    text = (BTS / "current_export.csv").read_text().replace("Feb 2024", "2024/02")
    (mirror / NAME).write_text(text)
    monkeypatch.setenv("CANUS_MIRROR", str(tmp_path / "mirror"))
    [result] = update(["bts-border-crossings"])
    assert result.status == "failed"
    message = str(result.error)
    assert "bts-border-crossings" in message and "no known form" in message and "2024/02" in message
    assert not get_settings().warehouse_path.exists()
