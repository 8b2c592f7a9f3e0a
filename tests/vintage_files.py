"""BTS-layout files with known contents, for the vintage, revision and publish-gate tests.

Two ports, two measures, one row per month: every figure is a formula of port, measure and
month, so a test knows exactly which keys a vintage adds, removes or revises.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

PORTS = [("Detroit", "Michigan", "3801", 42.332, -83.048), ("Blaine", "Washington", "3004", 49.002, -122.757)]
MEASURES = ["Personal Vehicle Passengers", "Trucks"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
HEADER = ["Port Name", "State", "Port Code", "Border", "Date", "Measure", "Value", "Latitude", "Longitude", "Point"]

Key = tuple[str, str, str]  # port code, period (YYYY-MM-01), measure


def months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    out, (y, m) = [], first
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def base_value(code: str, measure: str, year: int, month: int) -> int:
    return (1000 if measure == "Trucks" else 50_000) + int(code) + 10 * month + year


def bts_csv(
    periods: list[tuple[int, int]],
    *,
    value: Callable[[str, str, int, int], int | str] = base_value,
    keep: Callable[[int], bool] = lambda i: True,
) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    i = 0
    for year, month in periods:
        for name, state, code, lat, lon in PORTS:
            for measure in MEASURES:
                if keep(i):
                    w.writerow(
                        [
                            name,
                            state,
                            code,
                            "US-Canada Border",
                            f"{MONTHS[month - 1]} {year}",
                            measure,
                            value(code, measure, year, month),
                            lat,
                            lon,
                            f"POINT ({lon} {lat})",
                        ]
                    )
                i += 1
    return buf.getvalue().encode()


def key(code: str, year: int, month: int, measure: str) -> Key:
    return (code, f"{year}-{month:02d}-01", measure)
