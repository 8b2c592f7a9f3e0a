"""SVG maps drawn on the server: country outlines, ports sized by traffic, missions.

No tiles and no scripts: the outline comes from the boundary GeoJSON in the warehouse
(Natural Earth countries, fetched at update time like any source), projected here with a
Lambert conformal conic projection, the usual choice for mid-latitude North America because
it keeps shapes true along the border. Every map travels with a text list of its points,
which the page shows beside it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape, quoteattr

#: Countries drawn in full colour; any other feature in view is drawn pale.
FOCUS = {"CAN", "USA"}
#: Property names that carry an ISO 3166 alpha-3 code in Natural Earth and similar files.
_ISO_KEYS = ("ADM0_A3", "ISO_A3", "iso_a3", "adm0_a3", "SOV_A3", "iso3", "GU_A3")


@dataclass(frozen=True)
class LambertConic:
    """Lambert conformal conic on the sphere, standard parallels ``lat1``/``lat2``."""

    lat1: float = 33.0
    lat2: float = 60.0
    lat0: float = 45.0
    lon0: float = -96.0

    def __post_init__(self) -> None:
        p1, p2, p0 = (math.radians(v) for v in (self.lat1, self.lat2, self.lat0))
        n = math.log(math.cos(p1) / math.cos(p2)) / math.log(
            math.tan(math.pi / 4 + p2 / 2) / math.tan(math.pi / 4 + p1 / 2)
        )
        f = math.cos(p1) * math.tan(math.pi / 4 + p1 / 2) ** n / n
        object.__setattr__(self, "_n", n)
        object.__setattr__(self, "_f", f)
        object.__setattr__(self, "_rho0", f / math.tan(math.pi / 4 + p0 / 2) ** n)

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        n, f, rho0 = self._n, self._f, self._rho0  # type: ignore[attr-defined]
        lat = max(min(lat, 89.5), -89.5)  # the pole is at infinity on a conic
        rho = f / math.tan(math.pi / 4 + math.radians(lat) / 2) ** n
        theta = n * math.radians(lon - self.lon0)
        # y grows downwards in SVG, hence the sign.
        return rho * math.sin(theta), -(rho0 - rho * math.cos(theta))


@dataclass(frozen=True)
class Extent:
    west: float
    south: float
    east: float
    north: float


#: The continental border region (the ports lie between 42° and 49.5° N), and both countries.
BORDER_REGION = Extent(-125.5, 40.0, -66.0, 51.0)
NORTH_AMERICA = Extent(-140.0, 24.0, -55.0, 62.0)


@dataclass
class Frame:
    """Projection fitted to an extent inside a ``width`` × ``height`` box."""

    extent: Extent
    width: int = 720
    height: int = 420
    projection: LambertConic = field(default_factory=LambertConic)

    def __post_init__(self) -> None:
        e = self.extent
        # Sample the extent's edges: on a conic, parallels curve, so corners are not enough.
        pts = [self.projection(lon, lat) for lon in _steps(e.west, e.east, 24) for lat in (e.south, e.north)]
        pts += [self.projection(lon, lat) for lat in _steps(e.south, e.north, 12) for lon in (e.west, e.east)]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        self._x0, self._y0 = min(xs), min(ys)
        self._scale = min(self.width / (max(xs) - self._x0), self.height / (max(ys) - self._y0))

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = self.projection(lon, lat)
        return (x - self._x0) * self._scale, (y - self._y0) * self._scale

    def contains(self, lon: float, lat: float) -> bool:
        x, y = self(lon, lat)
        return 0 <= x <= self.width and 0 <= y <= self.height


def _steps(a: float, b: float, n: int) -> list[float]:
    return [a + (b - a) * i / n for i in range(n + 1)]


@dataclass
class Point:
    """A place on the map; ``value`` sizes its circle (ports) or is None (missions)."""

    id: str
    label: str
    lon: float
    lat: float
    value: float | None = None
    value_text: str = ""
    kind: str = "port"


def _iso(props: dict[str, Any]) -> str:
    for k in _ISO_KEYS:
        v = props.get(k)
        if isinstance(v, str) and len(v) == 3 and v != "-99":
            return v.upper()
    return ""


def _rings(geometry: dict[str, Any]) -> Iterable[Sequence[Sequence[float]]]:
    kind, coords = geometry.get("type"), geometry.get("coordinates") or []
    if kind == "Polygon":
        yield from coords
    elif kind == "MultiPolygon":
        for poly in coords:
            yield from poly
    elif kind == "LineString":
        yield coords
    elif kind == "MultiLineString":
        yield from coords
    elif kind == "GeometryCollection":
        for g in geometry.get("geometries") or []:
            yield from _rings(g)


def _path(rings: Iterable[Sequence[Sequence[float]]], frame: Frame, close: bool) -> str:
    parts: list[str] = []
    for ring in rings:
        last: tuple[int, int] | None = None
        cmds: list[str] = []
        for lon, lat, *_ in ring:
            x, y = frame(lon, lat)
            # Whole pixels are plenty at this scale and keep the page light.
            p = (round(x), round(y))
            if p == last:
                continue
            cmds.append(("M" if last is None else "L") + f"{p[0]} {p[1]}")
            last = p
        if len(cmds) >= 2:
            parts.append("".join(cmds) + ("Z" if close else ""))
    return "".join(parts)


def outline_paths(geojson: dict[str, Any] | None, frame: Frame) -> list[tuple[str, str]]:
    """(css class, path data) for each feature worth drawing in the frame."""
    if not geojson:
        return []
    feats = geojson.get("features") if geojson.get("type") == "FeatureCollection" else [geojson]
    out: list[tuple[str, str]] = []
    for feat in feats or []:
        geom = feat.get("geometry") or {}
        if not geom:
            continue
        iso = _iso(feat.get("properties") or {})
        lines = geom.get("type") in ("LineString", "MultiLineString")
        rings = list(_rings(geom))
        if not any(frame.contains(c[0], c[1]) for r in rings for c in r[:: max(1, len(r) // 50)]):
            continue
        d = _path(rings, frame, close=not lines)
        if d:
            cls = (
                "boundary"
                if lines
                else f"land focus {iso.lower()}"
                if iso in FOCUS
                else "land focus"
                if not iso
                else "land other"
            )
            out.append((cls, d))
    return out


def _boundary(outlines: list[tuple[str, str]], map_id: str) -> list[str]:
    """The Canada–US boundary as a line: Canada's outline stroked, kept only inside the US.

    Natural Earth has no boundary layer at 1:110m; the two countries share their border
    vertices, so Canada's edge drawn inside the United States' shape is exactly the border.
    """
    can = next((d for cls, d in outlines if cls.endswith(" can")), None)
    usa = next((d for cls, d in outlines if cls.endswith(" usa")), None)
    if not can or not usa:
        return []
    clip = f"{map_id}-usa-clip"
    return [
        f'<clipPath id="{clip}"><path d="{usa}"/></clipPath>',
        f'<path class="boundary" clip-path="url(#{clip})" d="{can}"/>',
    ]


def render_map(
    *,
    map_id: str,
    title: str,
    description: str,
    geojson: dict[str, Any] | None,
    points: list[Point],
    extent: Extent = BORDER_REGION,
    width: int = 720,
    height: int = 400,
    max_radius: float = 22.0,
    lang: str = "en",
    labelled: int = 8,
) -> str:
    """An accessible inline SVG: outlines and the boundary, then circles largest first so small
    ones stay on top, the ``labelled`` largest numbered by rank as in the list beside the map."""
    frame = Frame(extent, width, height)
    vmax = max((p.value for p in points if p.value), default=0) or 1.0
    body: list[str] = [f'<rect class="sea" width="{width}" height="{height}"/>']
    outlines = outline_paths(geojson, frame)
    for cls, d in outlines:
        body.append(f'<path class="{cls}" d="{d}"/>')
    body += _boundary(outlines, map_id)
    ordered = sorted(points, key=lambda p: -(p.value or 0))
    colon = "\u00a0: " if lang == "fr" else ": "
    labels: list[str] = []
    rank = 0
    for p in ordered:
        if not frame.contains(p.lon, p.lat):
            continue
        x, y = frame(p.lon, p.lat)
        # Area, not radius, proportional to traffic: the eye compares areas.
        r = max(3.0, max_radius * math.sqrt((p.value or 0) / vmax)) if p.value is not None else 5.0
        label = p.label + (f"{colon}{p.value_text}" if p.value_text else "")
        if p.value is not None:
            rank += 1
            if rank <= labelled:
                # The rank, as numbered in the list beside the map; drawn last, above every circle.
                labels.append(
                    f'<text class="rank" x="{x + r + 2:.1f}" y="{y + 4:.1f}" aria-hidden="true">{rank}</text>'
                )
        shape = (
            f'<circle class="pt {p.kind}" cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}">'
            if p.kind == "port"
            else f'<rect class="pt {p.kind}" x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" '
            f'height="9" transform="rotate(45 {x:.1f} {y:.1f})">'
        )
        end = "</circle>" if p.kind == "port" else "</rect>"
        body.append(f"{shape}<title>{escape(label)}</title>{end}")
    body += labels
    tid, did = f"{map_id}-title", f"{map_id}-desc"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" id={quoteattr(map_id + "-svg")} '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{tid} {did}">'
        f'<title id="{tid}">{escape(title)}</title><desc id="{did}">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )
