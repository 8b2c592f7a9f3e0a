"""Natural Earth countries: a shapefile zip read without GDAL, download paths, GeoJSON, real file."""

from __future__ import annotations

import io
import itertools
import struct
import zipfile
from pathlib import Path

import duckdb
import pytest

from canus.pillars.environment.metrics import boundaries_geojson
from canus.pipeline import update
from canus.sources.natural_earth import Shape, read_dbf, read_shp, simplify_ring, to_geojson
from canus.warehouse import Warehouse
from tests.builders import assert_update_fails_keeping_warehouse, publish_over_loopback
from tests.loopback import Loopback, Reply

SOURCE = "natural-earth-countries"
NAME = "ne_110m_admin_0_countries.zip"
PATH = "/naturalearth/110m/cultural/" + NAME

Ring = list[tuple[float, float]]


# ------------------------------------------------------------ a small shapefile writer


def _box(x0: float, y0: float, x1: float, y1: float, *, clockwise: bool = True, steps: int = 1) -> Ring:
    """A rectangle with ``steps`` points per side (extra points are collinear)."""
    corners = [(x0, y0), (x0, y1), (x1, y1), (x1, y0)]  # clockwise in x-east, y-north
    if not clockwise:
        corners = corners[::-1]
    ring: Ring = []
    for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1], strict=True):
        ring += [(ax + (bx - ax) * i / steps, ay + (by - ay) * i / steps) for i in range(steps)]
    return [*ring, ring[0]]


def _shp(shapes: list[list[Ring]]) -> tuple[bytes, bytes]:
    records, index, offset = b"", b"", 50
    for n, parts in enumerate(shapes, 1):
        pts = [p for part in parts for p in part]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        starts, at = [], 0
        for part in parts:
            starts.append(at)
            at += len(part)
        content = struct.pack("<i4d2i", 5, min(xs), min(ys), max(xs), max(ys), len(parts), len(pts))
        content += struct.pack(f"<{len(parts)}i", *starts)
        content += b"".join(struct.pack("<2d", x, y) for x, y in pts)
        records += struct.pack(">2i", n, len(content) // 2) + content
        index += struct.pack(">2i", offset, len(content) // 2)
        offset += 4 + len(content) // 2

    def head(length_bytes: int) -> bytes:
        return struct.pack(">7i", 9994, 0, 0, 0, 0, 0, length_bytes // 2) + struct.pack(
            "<2i4d4d", 1000, 5, -180, -90, 180, 90, 0, 0, 0, 0
        )

    return head(100 + len(records)) + records, head(100 + len(index)) + index


def _dbf(fields: list[str], rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    width = 40
    header_len = 32 + 32 * len(fields) + 1
    out = struct.pack("<B3BIHH20x", 3, 124, 1, 1, len(rows), header_len, 1 + width * len(fields))
    for f in fields:
        out += f.encode("ascii").ljust(11, b"\0") + b"C" + b"\0" * 4 + bytes([width, 0]) + b"\0" * 14
    out += b"\r"
    for row in rows:
        out += b" " + b"".join(v.encode(encoding).ljust(width)[:width] for v in row)
    return out + b"\x1a"


COUNTRIES = [
    # iso, name_en, name_fr, rings
    (
        "CAN",
        "Canada",
        "Canada",
        [_box(-140, 49, -53, 70, steps=20), _box(-80, 72, -70, 80), _box(-100, 55, -95, 60, clockwise=False)],
    ),  # a lake-like hole inside the mainland
    ("USA", "United States of America", "États-Unis", [_box(-125, 25, -67, 49)]),
    ("MEX", "Mexico", "Mexique", [_box(-117, 15, -87, 32)]),
    ("FRA", "France", "France", [_box(-5, 42, 8, 51)]),
]


def make_zip(
    countries: list = COUNTRIES,
    fields: tuple[str, ...] = ("ISO_A3", "ADM0_A3", "NAME_EN", "NAME_FR"),
    drop: str | None = None,
) -> bytes:
    shp, shx = _shp([c[3] for c in countries])
    dbf = _dbf(list(fields), [[c[0], c[0], c[1], c[2]] for c in countries])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        parts = {
            ".shp": shp,
            ".shx": shx,
            ".dbf": dbf,
            ".cpg": b"UTF-8",
            ".prj": b'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984"]]',
            ".VERSION.txt": b"5.1.1\n",
        }
        for ext, data in parts.items():
            if ext != drop:
                z.writestr("ne_110m_admin_0_countries" + ext, data)
    return buf.getvalue()


GOOD = make_zip()


@pytest.fixture
def ne_url(loopback: Loopback, monkeypatch: pytest.MonkeyPatch) -> str:
    url = loopback.url(PATH)
    monkeypatch.setenv("CANUS_URL_NATURAL_EARTH_COUNTRIES", url)
    return url


def publish(loopback: Loopback) -> str:
    return publish_over_loopback(loopback, PATH, Reply(200, GOOD, {"Content-Type": "application/zip"}), SOURCE)


# ------------------------------------------------------------ reader and geometry


def test_reader_round_trip() -> None:
    shp, _ = _shp([c[3] for c in COUNTRIES])
    shapes = read_shp(shp)
    assert len(shapes) == 4 and shapes[0] is not None
    assert [len(p) for p in shapes[0].parts] == [81, 5, 5]
    rows = read_dbf(_dbf(["NAME_FR"], [["États-Unis"]]), "utf-8")
    assert rows == [{"NAME_FR": "États-Unis"}]


def test_simplify_drops_collinear_points_and_keeps_closure() -> None:
    ring = simplify_ring(_box(-140, 49, -53, 70, steps=20))
    assert ring is not None
    assert len(ring) == 5 and ring[0] == ring[-1]
    assert simplify_ring([(0.0, 0.0), (0.001, 0.0), (0.0, 0.001), (0.0, 0.0)]) is None


def test_geojson_winding_and_holes() -> None:
    geometry = to_geojson(Shape(COUNTRIES[0][3]))
    assert geometry is not None and geometry["type"] == "MultiPolygon"
    mainland, island = geometry["coordinates"]
    assert len(mainland) == 2 and len(island) == 1  # the hole went to the ring that holds it

    def area(r: list[list[float]]) -> float:
        return sum(a[0] * b[1] - b[0] * a[1] for a, b in itertools.pairwise(r)) / 2

    assert area(mainland[0]) > 0 and area(mainland[1]) < 0  # RFC 7946: outer CCW, holes CW


# ------------------------------------------------------------ download paths


def test_download_stores_three_countries(loopback: Loopback, ne_url: str) -> None:
    publish(loopback)
    with Warehouse().read() as con:
        assert con.execute("SELECT iso_a3, name_en, name_fr FROM boundaries ORDER BY iso_a3").fetchall() == [
            ("CAN", "Canada", "Canada"),
            ("MEX", "Mexico", "Mexique"),
            ("USA", "United States of America", "États-Unis"),
        ]
        collection = boundaries_geojson(con)
    assert collection is not None and collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == ["CAN", "MEX", "USA"]
    assert collection["features"][2]["geometry"]["coordinates"][0][0][0] == [-125.0, 25.0]
    assert collection["sources"][0]["source_id"] == SOURCE
    assert collection["sources"][0]["as_of"] == "5.1.1"  # from the zip's VERSION.txt


def test_boundaries_absent() -> None:
    assert boundaries_geojson(duckdb.connect()) is None


def test_mirror_layout_is_the_published_file_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / SOURCE).mkdir()
    (tmp_path / SOURCE / NAME).write_bytes(GOOD)
    monkeypatch.setenv("CANUS_MIRROR", str(tmp_path))
    [r] = update([SOURCE])
    assert r.status == "updated" and r.rows == 3, r.error


@pytest.mark.parametrize(
    ("reply", "needle"),
    [
        (Reply(200, b"<html><body>Moved</body></html>", {"Content-Type": "text/html"}), "HTML page"),
        (Reply(200, make_zip(drop=".dbf"), {"Content-Type": "application/zip"}), "no matching .dbf"),
        (
            Reply(200, make_zip(fields=("ISO", "ADM0", "NAME_EN", "NAME_FR")), {"Content-Type": "application/zip"}),
            "no country with ISO code",
        ),
        (Reply(200, GOOD[: len(GOOD) // 2], {"Content-Type": "application/zip"}), "zip"),
    ],
)
def test_bad_download_fails_and_keeps_warehouse(loopback: Loopback, ne_url: str, reply: Reply, needle: str) -> None:
    before = publish(loopback)
    loopback.queue(PATH, reply)
    assert_update_fails_keeping_warehouse(SOURCE, before, needle)


@pytest.mark.shared_data
def test_real_file(shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The shared folder has the parts unzipped; zip them as Natural Earth publishes them.
    mirror = tmp_path / "mirror"
    (mirror / SOURCE).mkdir(parents=True)
    with zipfile.ZipFile(mirror / SOURCE / NAME, "w") as z:
        for ext in ("shp", "shx", "dbf", "prj", "cpg"):
            z.write(shared_data / "geo" / f"naturalearth_lowres.{ext}", f"ne_110m_admin_0_countries.{ext}")
    monkeypatch.setenv("CANUS_MIRROR", str(mirror))
    [r] = update([SOURCE])
    assert r.status == "updated" and r.rows == 3, r.error
    with Warehouse().read() as con:
        collection = boundaries_geojson(con)
        notes = con.execute("SELECT notes FROM data_versions WHERE source_id = ?", [SOURCE]).fetchone()[0]
    assert '"countries_in_file": "177"' in notes
    features = {f["id"]: f for f in collection["features"]}  # type: ignore[index]
    assert features["CAN"]["properties"]["name_fr"] == "Canada"
    assert features["USA"]["properties"]["name_fr"] == "États-Unis"
    lons = [pt[0] for poly in features["CAN"]["geometry"]["coordinates"] for ring in poly for pt in ring]
    lats = [pt[1] for poly in features["CAN"]["geometry"]["coordinates"] for ring in poly for pt in ring]
    # Canada spans about 141°W to 52.6°W and 41.7°N to 83.1°N (Natural Earth 1:110m).
    assert min(lons) == pytest.approx(-141.0, abs=0.2) and max(lons) == pytest.approx(-52.6, abs=0.3)
    assert min(lats) == pytest.approx(41.7, abs=0.3) and max(lats) == pytest.approx(83.1, abs=0.3)
