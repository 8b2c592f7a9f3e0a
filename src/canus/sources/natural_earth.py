"""Natural Earth 1:110m admin-0 countries: the outlines the portal's map is drawn from.

Refresh: ``canus update natural-earth-countries`` downloads
``https://naciscdn.org/naturalearth/110m/cultural/ne_110m_admin_0_countries.zip`` (about
200 KB; a zip of ``.shp``, ``.shx``, ``.dbf``, ``.prj``, ``.cpg``). Natural Earth is in the
public domain. A mirror holds it as ``natural-earth-countries/ne_110m_admin_0_countries.zip``.

The shapefile is read here with ``struct`` (no GDAL): polygon records (types 5, 15, 25;
only x/y are used) from the ``.shp`` and attributes from the ``.dbf`` (encoding from the
``.cpg``, Latin-1 when absent). Canada, the United States and Mexico (for context) are kept
as GeoJSON geometries in WGS 84, simplified (Douglas–Peucker, then rounded) because the map
only needs country outlines, with rings wound as RFC 7946 asks (outer rings
counter-clockwise; shapefiles wind them clockwise).

Attribute names differ by copy: the official file has ``ISO_A3``, ``ADM0_A3``, ``NAME_EN``,
``NAME_FR``; older or repackaged copies have lower-case ``iso_a3`` and ``name`` only. Both
are read; French names fall back to canus's own when the file has none.
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
import math
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from canus.errors import LayoutError
from canus.sources import register
from canus.sources.base import Licence, LoadResult, RemoteFile, Snapshot, Source

SOURCE_ID = "natural-earth-countries"
FILE_NAME = "ne_110m_admin_0_countries.zip"
DEFAULT_URL = "https://naciscdn.org/naturalearth/110m/cultural/" + FILE_NAME
KEEP = ("CAN", "USA", "MEX")
FRENCH_NAMES = {"CAN": "Canada", "USA": "États-Unis", "MEX": "Mexique"}
#: Degrees; about 5 km at these latitudes, well under a pixel on a continental map.
TOLERANCE_DEG = 0.05
DIGITS = 3
_POLYGON_TYPES = {5, 15, 25}

Ring = list[tuple[float, float]]

#: Natural Earth's own terms: public domain, no permission needed, credit appreciated. Not
#: CC0 as such, hence a licence of its own rather than the shared "cc0" entry.
PUBLIC_DOMAIN = Licence(
    id="natural-earth-public-domain",
    name={
        "en": "Public domain (Natural Earth terms of use)",
        "fr": "Domaine public (conditions d'utilisation de Natural Earth)",
    },
    url="https://www.naturalearthdata.com/about/terms-of-use/",
    attribution={
        "en": "Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.",
        "fr": "Réalisé avec Natural Earth, données cartographiques libres (naturalearthdata.com).",
    },
)


@dataclass
class Shape:
    parts: list[Ring]


# ---------------------------------------------------------------------------- reading


def read_shp(data: bytes) -> list[Shape | None]:
    """Polygon records in file order; ``None`` for null shapes."""
    if len(data) < 100 or struct.unpack(">i", data[:4])[0] != 9994:
        raise ValueError("the .shp file does not start with the shapefile code 9994")
    file_type = struct.unpack("<i", data[32:36])[0]
    if file_type not in _POLYGON_TYPES:
        raise ValueError(f"the .shp file holds shape type {file_type}, not polygons")
    shapes: list[Shape | None] = []
    pos = 100
    while pos + 8 <= len(data):
        _, words = struct.unpack(">ii", data[pos : pos + 8])
        start, end = pos + 8, pos + 8 + 2 * words
        if end > len(data):
            raise ValueError(f"record {len(shapes) + 1} runs past the end of the .shp file")
        kind = struct.unpack("<i", data[start : start + 4])[0]
        if kind == 0:
            shapes.append(None)
        elif kind in _POLYGON_TYPES:
            n_parts, n_points = struct.unpack("<ii", data[start + 36 : start + 44])
            parts_at = start + 44
            idx = list(struct.unpack(f"<{n_parts}i", data[parts_at : parts_at + 4 * n_parts]))
            pts_at = parts_at + 4 * n_parts
            flat = struct.unpack(f"<{2 * n_points}d", data[pts_at : pts_at + 16 * n_points])
            points = list(zip(flat[0::2], flat[1::2], strict=True))
            bounds = [*idx, n_points]
            shapes.append(Shape([points[a:b] for a, b in itertools.pairwise(bounds)]))
        else:
            raise ValueError(f"record {len(shapes) + 1} has shape type {kind}, not a polygon")
        pos = end
    return shapes


def read_dbf(data: bytes, encoding: str = "latin-1") -> list[dict[str, str]]:
    """Attribute rows as text (numbers stay text; callers convert what they use)."""
    if len(data) < 32:
        raise ValueError("the .dbf file is too short to hold a header")
    n_records, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields: list[tuple[str, int]] = []
    pos = 32
    while pos < header_len - 1 and data[pos] != 0x0D:
        name = data[pos : pos + 11].split(b"\0", 1)[0].decode("ascii", errors="replace")
        fields.append((name, data[pos + 16]))
        pos += 32
    rows = []
    for i in range(n_records):
        rec = data[header_len + i * record_len : header_len + (i + 1) * record_len]
        if len(rec) < record_len:
            raise ValueError(f"the .dbf file ends inside record {i + 1} of {n_records}")
        if rec[:1] == b"*":  # deleted
            continue
        row, at = {}, 1
        for name, width in fields:
            row[name] = rec[at : at + width].decode(encoding, errors="replace").strip()
            at += width
        rows.append(row)
    return rows


def _members(z: zipfile.ZipFile) -> tuple[str, str, str | None]:
    names = z.namelist()
    shp = next((n for n in names if n.lower().endswith(".shp")), None)
    if shp is None:
        raise ValueError("the zip has no .shp file (found: " + ", ".join(names[:8]) + ")")
    stem = shp[:-4]
    dbf = next((n for n in names if n.lower() == (stem + ".dbf").lower()), None)
    if dbf is None:
        raise ValueError(f"the zip has {shp} but no matching .dbf")
    cpg = next((n for n in names if n.lower() == (stem + ".cpg").lower()), None)
    return shp, dbf, cpg


def _zip_bytes(path: Path) -> bytes:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read()


def check(path: Path) -> None:
    """Run at download: the archive must hold a polygon shapefile with its attributes."""
    with zipfile.ZipFile(io.BytesIO(_zip_bytes(path))) as z:
        shp, _, _ = _members(z)
        head = z.read(shp)[:100]
    if len(head) < 100 or struct.unpack(">i", head[:4])[0] != 9994:
        raise ValueError(f"{shp} is not a shapefile")


def read_version(path: Path) -> str | None:
    """Natural Earth's release number, from the ``….VERSION.txt`` member when the zip has one."""
    with zipfile.ZipFile(io.BytesIO(_zip_bytes(path))) as z:
        member = next((n for n in z.namelist() if n.upper().endswith("VERSION.TXT")), None)
        if member is None:
            return None
        text = z.read(member).decode("ascii", errors="replace").strip()
    return text.splitlines()[0].strip() if text else None


def read_countries(path: Path) -> list[tuple[dict[str, str], Shape | None]]:
    """Each country's attributes (as text) and outline, read with pyshp, a kept shapefile library."""
    import shapefile  # pyshp

    with zipfile.ZipFile(io.BytesIO(_zip_bytes(path))) as z:
        shp, dbf, cpg = _members(z)
        encoding = "latin-1"
        if cpg:
            declared = z.read(cpg).decode("ascii", errors="replace").strip().lower()
            encoding = {"utf-8": "utf-8", "utf8": "utf-8", "65001": "utf-8"}.get(declared, "latin-1")
        shp_bytes, dbf_bytes = z.read(shp), z.read(dbf)
    if len(shp_bytes) < 100 or struct.unpack(">i", shp_bytes[:4])[0] != 9994:
        raise ValueError("the .shp file does not start with the shapefile code 9994")
    try:
        reader = shapefile.Reader(
            shp=io.BytesIO(shp_bytes), dbf=io.BytesIO(dbf_bytes), encoding=encoding, encodingErrors="replace"
        )
        if reader.shapeType not in _POLYGON_TYPES:
            raise ValueError(f"the .shp file holds shape type {reader.shapeType}, not polygons")
        names = [f[0] for f in reader.fields[1:]]
        out: list[tuple[dict[str, str], Shape | None]] = []
        for rec in reader.iterShapeRecords():
            attrs = {n: ("" if v is None else str(v).strip()) for n, v in zip(names, rec.record, strict=True)}
            geom = rec.shape
            if geom.shapeType == 0 or not geom.points:
                out.append((attrs, None))
                continue
            bounds = [*geom.parts, len(geom.points)]
            pts = [(float(x), float(y)) for x, y in (p[:2] for p in geom.points)]
            out.append((attrs, Shape([pts[a:b] for a, b in itertools.pairwise(bounds)])))
    except shapefile.ShapefileException as e:
        raise ValueError(f"{shp}: {e}") from e
    return out


# ---------------------------------------------------------------------------- geometry


def _field(row: dict[str, str], *names: str) -> str:
    lowered = {k.lower(): v for k, v in row.items()}
    for n in names:
        v = lowered.get(n.lower(), "")
        if v and v != "-99":
            return v
    return ""


def _signed_area(ring: Ring) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) / 2


def _dp(points: Ring, tol: float) -> Ring:
    """Douglas–Peucker on an open polyline (iterative, so long rings do not recurse deeply)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, where = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm if norm else math.hypot(px - x1, py - y1)
            if d > best:
                best, where = d, i
        if where > 0 and best > tol:
            keep[where] = True
            stack += [(a, where), (where, b)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: Ring, tol: float = TOLERANCE_DEG, digits: int = DIGITS) -> Ring | None:
    """A closed ring simplified and rounded; ``None`` when too little is left of it."""
    if len(ring) < 4:
        return None
    # Split at the point farthest from the start so the closed ring keeps its extent.
    x0, y0 = ring[0]
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - x0) ** 2 + (ring[i][1] - y0) ** 2)
    half = _dp(ring[: far + 1], tol)[:-1] + _dp(ring[far:], tol)
    out: Ring = []
    for x, y in half:
        p = (round(x, digits), round(y, digits))
        if not out or out[-1] != p:
            out.append(p)
    if out[0] != out[-1]:
        out.append(out[0])
    if len(out) < 4 or abs(_signed_area(out)) == 0:
        return None
    return out


def _contains(ring: Ring, x: float, y: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def to_geojson(shape: Shape, tol: float = TOLERANCE_DEG) -> dict[str, Any] | None:
    """A GeoJSON MultiPolygon: shapefile outer rings are clockwise, holes counter-clockwise."""
    polygons: list[list[Ring]] = []
    holes: list[Ring] = []
    for part in shape.parts:
        ring = simplify_ring(part, tol)
        if ring is None:
            continue
        if _signed_area(ring) < 0:
            polygons.append([ring[::-1]])
        else:
            holes.append(ring[::-1])
    for hole in holes:
        x, y = hole[0]
        owner = next((p for p in polygons if _contains(p[0], x, y)), None)
        if owner is not None:
            owner.append(hole)
    if not polygons:
        return None
    return {"type": "MultiPolygon", "coordinates": [[[list(pt) for pt in ring] for ring in poly] for poly in polygons]}


# ---------------------------------------------------------------------------- load


def load(con: duckdb.DuckDBPyConnection, snaps: dict[str, Snapshot], source: Source) -> LoadResult:
    snap = snaps[FILE_NAME]
    try:
        countries = read_countries(snap.path)
    except (ValueError, zipfile.BadZipFile, struct.error) as e:
        raise LayoutError("{source}: {file}: {problem}", source=source.id, file=snap.address, problem=str(e)) from e
    rows = []
    for attrs, shape in countries:
        iso = _field(attrs, "ISO_A3", "ADM0_A3", "SOV_A3").upper()
        if iso not in KEEP:
            continue
        if shape is None:
            raise LayoutError(
                "{source}: {file}: {country} has no geometry", source=source.id, file=snap.address, country=iso
            )
        geometry = to_geojson(shape)
        if geometry is None:
            raise LayoutError(
                "{source}: {file}: {country} has no polygon left after simplification",
                source=source.id,
                file=snap.address,
                country=iso,
            )
        name_en = _field(attrs, "NAME_EN", "NAME", "ADMIN") or iso
        name_fr = _field(attrs, "NAME_FR") or FRENCH_NAMES.get(iso, name_en)
        points = sum(len(r) for poly in geometry["coordinates"] for r in poly)
        rows.append(
            (iso, name_en, name_fr, json.dumps(geometry, separators=(",", ":")), points, source.id, snap.sha256)
        )
    missing = [c for c in KEEP if c not in {r[0] for r in rows}]
    if missing:
        raise LayoutError(
            "{source}: {file}: no country with ISO code {codes} (is the attribute table renamed?)",
            source=source.id,
            file=snap.address,
            codes=", ".join(missing),
        )
    con.execute("""
        CREATE TABLE boundaries (
            iso_a3 VARCHAR PRIMARY KEY, name_en VARCHAR NOT NULL, name_fr VARCHAR NOT NULL,
            geojson VARCHAR NOT NULL, points INTEGER NOT NULL,
            source_id VARCHAR NOT NULL, snapshot_sha256 VARCHAR NOT NULL)
    """)
    con.executemany("INSERT INTO boundaries VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    notes = {"countries_in_file": str(len(countries)), "tolerance_degrees": str(TOLERANCE_DEG)}
    version = read_version(snap.path)
    if version:
        notes["release"] = version
    return LoadResult(rows=len(rows), as_of=version, notes=notes)


SOURCE = Source(
    id=SOURCE_ID,
    title={
        "en": "Natural Earth 1:110m Cultural Vectors: Admin 0 – Countries",
        "fr": "Natural Earth, vecteurs culturels au 1:110\u00a0000\u00a0000\u00a0: pays (Admin 0)",
    },
    publisher={
        "en": "Natural Earth (North American Cartographic Information Society)",
        "fr": "Natural Earth (North American Cartographic Information Society)",
    },
    licence=PUBLIC_DOMAIN,
    landing_url="https://www.naturalearthdata.com/downloads/110m-cultural-vectors/110m-admin-0-countries/",
    cadence="irregular",
    files=(RemoteFile(name=FILE_NAME, url=DEFAULT_URL, kind="zip", check=check),),
    tables=("boundaries",),
    load=load,
    description={
        "en": "Country outlines of Canada, the United States and Mexico at 1:110 million scale, "
        "simplified for the portal's map. Boundaries are drawn for illustration only.",
        "fr": "Contours du Canada, des États-Unis et du Mexique à l'échelle de 1:110 millions, "
        "simplifiés pour la carte du portail. Les frontières sont tracées à titre indicatif.",
    },
)

register(SOURCE)
