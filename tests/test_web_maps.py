"""The server-drawn maps: projection, outline paths, circles sized by traffic, escaping."""

from __future__ import annotations

import math
import re

from canus.web.render.maps import BORDER_REGION, Frame, LambertConic, Point, outline_paths, render_map

SQUARE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"ADM0_A3": "CAN"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[-120, 49], [-80, 49], [-80, 50], [-120, 50], [-120, 49]]],
            },
        },
        {
            "type": "Feature",
            "properties": {"ISO_A3": "MEX"},
            "geometry": {"type": "MultiPolygon", "coordinates": [[[[-110, 38], [-100, 38], [-100, 39], [-110, 38]]]]},
        },
        # Far outside the frame: must not be drawn at all.
        {
            "type": "Feature",
            "properties": {"ISO_A3": "FRA"},
            "geometry": {"type": "Polygon", "coordinates": [[[2, 46], [3, 46], [3, 47], [2, 46]]]},
        },
    ],
}


def test_projection_is_conformal_conic_with_north_up_and_west_left() -> None:
    proj = LambertConic()
    # On the central meridian x is 0 and y decreases (up in SVG) as latitude grows.
    assert proj(-96, 45) == (0.0, 0.0)
    assert proj(-96, 50)[1] < proj(-96, 45)[1]
    assert proj(-120, 45)[0] < 0 < proj(-70, 45)[0]
    # Parallels are arcs: two points on 49°N either side of the central meridian sit lower
    # (larger y) in the middle than at the ends, as on any conic map of North America.
    ends = proj(-123, 49)[1]
    assert proj(-96, 49)[1] > ends
    # Symmetry about the central meridian.
    a, b = proj(-106, 47), proj(-86, 47)
    assert math.isclose(a[0], -b[0]) and math.isclose(a[1], b[1])


def test_frame_fits_the_extent_inside_the_box() -> None:
    frame = Frame(BORDER_REGION, 720, 360)
    for lon in (BORDER_REGION.west, BORDER_REGION.east):
        for lat in (BORDER_REGION.south, BORDER_REGION.north):
            x, y = frame(lon, lat)
            assert -0.5 <= x <= 720.5 and -0.5 <= y <= 360.5
    # Blaine (west) left of Detroit left of Champlain (east).
    assert frame(-122.76, 49.0)[0] < frame(-83.05, 42.33)[0] < frame(-73.45, 45.0)[0]


def test_outline_draws_features_in_view_and_marks_focus_countries() -> None:
    paths = outline_paths(SQUARE, Frame(BORDER_REGION))
    classes = [c for c, _ in paths]
    assert classes == ["land focus can", "land other"]
    d = paths[0][1]
    assert d.startswith("M") and d.endswith("Z") and d.count("L") >= 3
    assert outline_paths(None, Frame(BORDER_REGION)) == []


def test_circle_area_is_proportional_to_traffic_and_labels_are_escaped() -> None:
    svg = render_map(
        map_id="m",
        title="Ports <&>",
        description="desc",
        geojson=SQUARE,
        points=[
            Point("a", "Big <port>", -83.0, 42.3, value=400.0, value_text="400"),
            Point("b", "Small", -122.7, 49.0, value=100.0, value_text="100"),
            Point("c", "Embassy", -75.7, 45.4, kind="mission"),
            Point("far", "Paris", 2.35, 48.85, value=50.0),
        ],
        max_radius=20,
    )
    radii = [float(r) for r in re.findall(r'<circle[^>]* r="([0-9.]+)"', svg)]
    assert radii == [20.0, 10.0]  # 4× the traffic → 2× the radius → 4× the area
    assert "Big &lt;port&gt;: 400" in svg and "<port>" not in svg
    assert "Ports &lt;&amp;&gt;" in svg
    assert 'role="img"' in svg and 'aria-labelledby="m-title m-desc"' in svg
    assert "Paris" not in svg  # outside the frame
    assert svg.count('class="pt mission"') == 1
