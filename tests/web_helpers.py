"""Helpers for the web tests: a small BTS-format mirror and a warehouse built from it.

The CSV is written in today's BTS export layout (``Jan 2024`` dates, ``Point`` as WKT), with
four real ports at their real coordinates and round invented counts, so totals are easy to
check by hand: every month at every port has the same counts.
"""

from __future__ import annotations

import csv
import itertools
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
HEADER = ["Port Name", "State", "Port Code", "Border", "Date", "Measure", "Value", "Latitude", "Longitude", "Point"]


def write_bts_mirror(
    mirror: Path, years: range = YEARS, last_month: int = 12, factor: dict[int, float] | None = None
) -> Path:
    """The BTS mirror; ``last_month`` ends the last year early (a file published in April ends
    in March), ``factor`` multiplies a year's passenger counts so years differ."""
    folder = mirror / "bts-border-crossings"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "Border_Crossing_Entry_Data.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for year in years:
            for mon in MONTHS[:last_month] if year == years[-1] else MONTHS:
                for name, state, code, lat, lon, people in PORTS:
                    point = f"POINT ({lon} {lat})"
                    # 2020 and 2021: the border was closed to most travel; make that visible.
                    scale = 0.2 if year in (2020, 2021) else 1.0
                    scale *= (factor or {}).get(year, 1.0)
                    for measure, value in (
                        ("Personal Vehicle Passengers", people * 0.9 * scale),
                        ("Pedestrians", people * 0.1 * scale),
                        ("Personal Vehicles", people * 0.5 * scale),
                        ("Trucks", people * 0.1),
                    ):
                        w.writerow(
                            [
                                name,
                                state,
                                code,
                                "US-Canada Border",
                                f"{mon} {year}",
                                measure,
                                int(value),
                                lat,
                                lon,
                                point,
                            ]
                        )
        # A US-Mexico row, which canus must leave out of every Canada figure.
        w.writerow(
            [
                "Calexico",
                "California",
                "2503",
                "US-Mexico Border",
                "Jan 2024",
                "Pedestrians",
                999_999,
                32.67,
                -115.5,
                "POINT (-115.5 32.67)",
            ]
        )
    return path


def build_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sources: tuple[str, ...] | None = None) -> Path:
    """Publish a warehouse in the test's CANUS_HOME from the fixture mirror, via the real pipeline."""
    from canus.pipeline import update

    mirror = write_mirror(tmp_path / "mirror")
    monkeypatch.setenv("CANUS_MIRROR", str(mirror))
    wanted = list(sources or MIRRORED)
    results = update(wanted)
    assert [r.status for r in results] == ["updated"] * len(wanted), [r.error for r in results]
    return mirror


#: The sources the fixture mirror holds.
MIRRORED = (
    "bts-border-crossings",
    "natural-earth-countries",
    "statcan-24100053",
    "cer-electricity-trade",
    "great-lakes-water-levels",
    "air-emissions",
)
#: Fixtures the energy and environment pillars wrote in their publishers' formats.
PILLAR_FIXTURES = {
    "cer-electricity-trade": "energy/electricity-exports-and-imports-monthly.csv",
    "great-lakes-water-levels": "environment/GLHYD_data_metric.csv",
    "air-emissions": "environment/air_pollutants_emissions_pollutants_atmospheriques.csv",
}


def write_mirror(mirror: Path) -> Path:
    import shutil

    write_bts_mirror(mirror)
    write_natural_earth_mirror(mirror)
    write_travellers_mirror(mirror)
    fixtures = Path(__file__).parent / "fixtures"
    for source_id, rel in PILLAR_FIXTURES.items():
        (mirror / source_id).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(fixtures / rel, mirror / source_id / Path(rel).name)
    write_electricity_months(mirror / "cer-electricity-trade" / Path(PILLAR_FIXTURES["cer-electricity-trade"]).name)
    return mirror


def write_electricity_months(path: Path) -> None:
    """Repeat the energy fixture's first month (CER layout, Latin-1) over 2021-2023.

    Three complete years, so the energy page has charts and headline figures; exports grow
    10 % a year so the line is not flat.
    """
    raw = path.read_bytes().decode("latin-1").splitlines()
    head, first = raw[0], [line for line in raw[1:] if line.startswith('"01/01/2022"')]
    out = [head]
    for year in (2021, 2022, 2023):
        grow = 1.1 ** (year - 2021)
        for month in range(1, 13):
            for line in first:
                cells = next(csv.reader([line]))
                cells[0] = f"{month:02d}/01/{year}"
                for i in (4, 5):
                    if cells[i]:
                        cells[i] = f"{float(cells[i]) * grow:.4f}"
                out.append(",".join(f'"{c}"' if c else "" for c in cells))
    path.write_bytes(("\r\n".join(out) + "\r\n").encode("latin-1"))


def write_travellers_mirror(mirror: Path) -> Path:
    """Table 24-10-0053-01 as Statistics Canada's full-table zips (en and fr), 2018 to 2024."""
    from tests.fixtures.statcan.official import TRAVELLER_DIMS, traveller_rows, write_zip

    folder = mirror / "statcan-24100053"
    folder.mkdir(parents=True, exist_ok=True)
    # Travellers a month at Canada level by characteristics member (aggregates 1, 2, 10 too).
    base = {
        1: 3_480_000,
        2: 930_000,
        3: 300_000,
        4: 600_000,
        5: 30_000,
        10: 2_100_000,
        11: 900_000,
        12: 1_200_000,
        20: 450_000,
    }
    months = [f"{y}-{m:02d}" for y in YEARS for m in range(1, 13)]
    rows = traveller_rows(months, base)
    title = (
        "International travellers entering or returning to Canada (fixture)",
        "Voyageurs internationaux entrant ou revenant au Canada (données de test)",
    )
    for lang, suffix in (("en", "eng"), ("fr", "fra")):
        write_zip(folder / f"24100053-{suffix}.zip", "24100053", title, TRAVELLER_DIMS, rows, lang)
    return folder


# -- Natural Earth countries, as a tiny shapefile zip in the publisher's layout --------------
# Rough outlines (a few dozen points each) typed for these tests; real NE files are far finer.
OUTLINES: dict[str, list[list[tuple[float, float]]]] = {
    "CAN": [
        [
            (-123.2, 49.0),
            (-95.2, 49.0),
            (-89.5, 48.0),
            (-84.6, 46.5),
            (-82.5, 45.3),
            (-82.4, 43.0),
            (-83.1, 42.0),
            (-79.0, 42.8),
            (-79.2, 43.4),
            (-76.5, 44.2),
            (-74.7, 45.0),
            (-71.5, 45.0),
            (-70.0, 46.7),
            (-69.2, 47.4),
            (-67.8, 47.1),
            (-67.8, 45.7),
            (-67.0, 45.1),
            (-65.5, 43.6),
            (-60.0, 46.0),
            (-64.5, 48.8),
            (-64.0, 50.2),
            (-57.0, 51.5),
            (-55.7, 52.6),
            (-60.0, 55.5),
            (-64.5, 60.2),
            (-70.0, 61.0),
            (-78.0, 62.3),
            (-77.0, 55.5),
            (-79.5, 51.5),
            (-82.3, 52.9),
            (-88.0, 56.5),
            (-94.5, 59.0),
            (-94.0, 61.5),
            (-86.0, 66.5),
            (-95.0, 68.0),
            (-110.0, 68.0),
            (-125.0, 69.5),
            (-141.0, 69.6),
            (-141.0, 60.3),
            (-137.0, 59.0),
            (-130.0, 55.7),
            (-130.5, 54.0),
            (-128.0, 51.0),
            (-125.0, 48.6),
            (-123.2, 49.0),
        ]
    ],
    "USA": [
        [
            (-123.2, 49.0),
            (-124.7, 48.4),
            (-124.0, 46.3),
            (-124.2, 40.4),
            (-122.5, 37.8),
            (-120.6, 34.5),
            (-117.1, 32.5),
            (-114.8, 32.5),
            (-111.0, 31.3),
            (-106.5, 31.8),
            (-104.5, 29.6),
            (-101.5, 29.8),
            (-99.5, 27.5),
            (-97.2, 26.0),
            (-97.4, 27.8),
            (-94.0, 29.5),
            (-89.0, 30.2),
            (-84.0, 30.0),
            (-82.6, 28.0),
            (-81.5, 25.2),
            (-80.1, 26.5),
            (-81.2, 31.5),
            (-75.5, 35.3),
            (-76.0, 37.0),
            (-74.0, 40.5),
            (-70.0, 41.5),
            (-70.6, 43.0),
            (-67.0, 45.1),
            (-67.8, 45.7),
            (-67.8, 47.1),
            (-69.2, 47.4),
            (-70.0, 46.7),
            (-71.5, 45.0),
            (-74.7, 45.0),
            (-76.5, 44.2),
            (-79.2, 43.4),
            (-79.0, 42.8),
            (-83.1, 42.0),
            (-82.4, 43.0),
            (-82.5, 45.3),
            (-84.6, 46.5),
            (-89.5, 48.0),
            (-95.2, 49.0),
            (-123.2, 49.0),
        ],
        [
            (-141.0, 60.3),
            (-141.0, 69.6),
            (-156.5, 71.3),
            (-166.0, 68.8),
            (-162.0, 66.0),
            (-166.0, 64.5),
            (-161.0, 58.5),
            (-158.0, 56.5),
            (-152.0, 59.0),
            (-150.0, 61.0),
            (-146.0, 60.5),
            (-139.5, 59.8),
            (-136.0, 58.5),
            (-133.5, 56.5),
            (-131.0, 55.0),
            (-130.0, 55.7),
            (-137.0, 59.0),
            (-141.0, 60.3),
        ],
    ],
    "MEX": [
        [
            (-117.1, 32.5),
            (-114.8, 32.5),
            (-111.0, 31.3),
            (-106.5, 31.8),
            (-104.5, 29.6),
            (-101.5, 29.8),
            (-99.5, 27.5),
            (-97.2, 26.0),
            (-97.5, 22.0),
            (-95.0, 18.6),
            (-91.0, 19.0),
            (-90.4, 21.0),
            (-87.0, 21.5),
            (-88.0, 18.5),
            (-92.0, 14.6),
            (-96.0, 15.7),
            (-105.5, 20.0),
            (-106.0, 23.5),
            (-112.0, 29.0),
            (-114.7, 31.7),
            (-112.0, 27.5),
            (-109.5, 23.0),
            (-110.3, 24.3),
            (-114.0, 28.0),
            (-115.5, 30.3),
            (-117.1, 32.5),
        ]
    ],
}
NAMES = {"CAN": "Canada", "USA": "United States of America", "MEX": "Mexico"}


def _clockwise(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring))
    return ring if area < 0 else ring[::-1]


def _shp(shapes: list[list[list[tuple[float, float]]]]) -> bytes:
    import struct

    records = b""
    for i, parts in enumerate(shapes, start=1):
        rings = [_clockwise(r) for r in parts]
        pts = [p for r in rings for p in r]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        starts, n = [], 0
        for r in rings:
            starts.append(n)
            n += len(r)
        content = struct.pack("<i4d2i", 5, min(xs), min(ys), max(xs), max(ys), len(rings), len(pts))
        content += struct.pack(f"<{len(starts)}i", *starts)
        content += struct.pack(f"<{2 * len(pts)}d", *[c for p in pts for c in p])
        records += struct.pack(">2i", i, len(content) // 2) + content
    header = struct.pack(">7i", 9994, 0, 0, 0, 0, 0, (100 + len(records)) // 2)
    header += struct.pack("<2i4d4d", 1000, 5, -180, -90, 180, 90, 0, 0, 0, 0)
    return header + records


def _dbf(rows: list[dict[str, str]]) -> bytes:
    import struct

    fields = [("ADM0_A3", 3), ("ISO_A3", 3), ("NAME_EN", 40), ("NAME", 40)]
    header_len = 32 + 32 * len(fields) + 1
    record_len = 1 + sum(w for _, w in fields)
    out = struct.pack("<B3BIHH20x", 3, 126, 11, 21, len(rows), header_len, record_len)
    for name, width in fields:
        out += name.encode().ljust(11, b"\0") + b"C" + b"\0" * 4 + bytes([width, 0]) + b"\0" * 14
    out += b"\r"
    for row in rows:
        out += b" " + b"".join(row[n].encode("latin-1").ljust(w)[:w] for n, w in fields)
    return out + b"\x1a"


def write_natural_earth_mirror(mirror: Path) -> Path:
    import zipfile

    folder = mirror / "natural-earth-countries"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ne_110m_admin_0_countries.zip"
    isos = list(OUTLINES)
    rows = [{"ADM0_A3": i, "ISO_A3": i, "NAME_EN": NAMES[i], "NAME": NAMES[i]} for i in isos]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("ne_110m_admin_0_countries.shp", _shp([OUTLINES[i] for i in isos]))
        z.writestr("ne_110m_admin_0_countries.dbf", _dbf(rows))
        z.writestr("ne_110m_admin_0_countries.cpg", "UTF-8")
    return path
