"""Helpers for the web tests: a small BTS-format mirror and a warehouse built from it.

The CSV is written in today's BTS export layout (``Jan 2024`` dates, ``Point`` as WKT), with
four real ports at their real coordinates and round invented counts, so totals are easy to
check by hand: every month at every port has the same counts.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

#: (name, state, code, lat, lon, people per month)
PORTS = [
    ("Detroit", "Michigan", "3801", 42.332, -83.048, 300_000),
    ("Buffalo Niagara Falls", "New York", "0901", 42.906, -78.905, 240_000),
    ("Blaine", "Washington", "3004", 49.002, -122.757, 180_000),
    ("Champlain Rouses Point", "New York", "0712", 45.006, -73.452, 60_000),
]
YEARS = range(2018, 2025)
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
HEADER = ["Port Name", "State", "Port Code", "Border", "Date", "Measure", "Value", "Latitude",
          "Longitude", "Point"]


def write_bts_mirror(mirror: Path) -> Path:
    folder = mirror / "bts-border-crossings"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "Border_Crossing_Entry_Data.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for year in YEARS:
            for mon in MONTHS:
                for name, state, code, lat, lon, people in PORTS:
                    point = f"POINT ({lon} {lat})"
                    # 2020 and 2021: the border was closed to most travel; make that visible.
                    scale = 0.2 if year in (2020, 2021) else 1.0
                    for measure, value in (
                        ("Personal Vehicle Passengers", people * 0.9 * scale),
                        ("Pedestrians", people * 0.1 * scale),
                        ("Personal Vehicles", people * 0.5 * scale),
                        ("Trucks", people * 0.1),
                    ):
                        w.writerow([name, state, code, "US-Canada Border", f"{mon} {year}",
                                    measure, int(value), lat, lon, point])
        # A US-Mexico row, which canus must leave out of every Canada figure.
        w.writerow(["Calexico", "California", "2503", "US-Mexico Border", "Jan 2024",
                    "Pedestrians", 999_999, 32.67, -115.5, "POINT (-115.5 32.67)"])
    return path


def build_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Publish a warehouse in the test's CANUS_HOME from the fixture mirror, via the real pipeline."""
    from canus.pipeline import update

    mirror = tmp_path / "mirror"
    write_bts_mirror(mirror)
    monkeypatch.setenv("CANUS_MIRROR", str(mirror))
    results = update(["bts-border-crossings"])
    assert [r.status for r in results] == ["updated"], [r.error for r in results]
    return mirror
