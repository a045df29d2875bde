"""Map builders as pure functions: class breaks, shaded outlines and points as the SVG data the browser draws."""

from __future__ import annotations

import json
import math

import pytest

from tracker.core.status import STATUSES
from tracker.present import maps


@pytest.mark.parametrize(
    "values, breaks",
    [
        ([], []),
        ([5], [5, 5, 5, 5, 5]),
        (list(range(1, 11)), [2, 4, 6, 8, 10]),
        ([1, 1, 1, 1, 100], [1, 1, 1, 1, 100]),
    ],
)
def test_class_breaks(values, breaks):
    assert maps.class_breaks(values) == breaks


@pytest.mark.parametrize("value, index", [(1, 0), (2, 0), (3, 1), (10, 4), (11, 4)])
def test_class_of(value, index):
    assert maps.class_of(value, [2, 4, 6, 8, 10]) == index


def test_status_map_shades_outlines_by_status_under_points_sized_at_the_maps_scale():
    """Two counties, one with a verdict (its status colour, faded) and one without (grey); a village point 250 m
    across its radius, a summed point growing with its villages up to 14 px, a lone one 2.5 px at least; each point
    its code (what a click returns) and its words as plain text; north up (−latitude, stretched by 1 / cos)."""
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": name},
         "geometry": {"type": "Polygon", "coordinates": [[[x, 28], [x + 0.5, 28], [x + 0.5, 28.5], [x, 28]]]}}
        for code, name, x in (("361123", "玉山县", 118.0), ("361124", "铅山县", 118.5))]}
    bounds = (118.0, 28.0, 119.0, 28.5)
    point = {"lon": 118.2, "lat": 28.2, "c": [26, 150, 65], "v": "95%", "s": "按期达标"}
    points = [{**point, "code": "361123100201", "n": "<b>甲一村</b>"},
              {**point, "code": "361123101", "n": "乙镇", "r": 400 + 120 * 5},
              {**point, "code": "361123102", "n": "丙镇", "r": 400 + 120 * 3000},
              {**point, "code": "361123103", "n": "丁镇", "r": 1}]
    drawing = maps.status_map(collection, bounds, {"361123": "met"}, {"361123": "95.0%（按期达标）"}, points)
    yushan, qianshan = drawing["outlines"]
    stretch = 1 / math.cos(math.radians(28.25))
    assert yushan[0] == f"M118.000,{-28 * stretch:.3f}L118.500,{-28 * stretch:.3f}L118.500,{-28.5 * stretch:.3f}" \
                        f"L118.000,{-28 * stretch:.3f}Z"
    assert yushan[1:] == [maps.rgb(maps.faded(maps.hex_rgb(STATUSES["met"].colour))), "玉山县\n95.0%（按期达标）"]
    assert qianshan[1:] == [maps.rgb(maps.NO_SHADE), "铅山县"]
    village, *summed = drawing["points"]
    assert village == [118.2, round(-28.2 * stretch, 3), 2.5, "rgb(26,150,65)", "<b>甲一村</b> 361123100201\n95%\n按期达标",
                       "361123100201"]
    # the map is 900 px for 1° of longitude at 28.25°N: 98 km, so 250 m is 2.3 px (2.5 at least), 1,000 m 9.2 px
    per_metre = 900 / (111_320 * math.cos(math.radians(28.25)))
    assert [p[2] for p in summed] == [round(1000 * per_metre, 1), 14, 2.5]
    # the view: the bounds and 2% of their larger side around them, north up
    assert drawing["box"] == pytest.approx([117.98, -28.5 * stretch - 0.02, 1.04, 0.5 * stretch + 0.04], abs=1e-3)
    assert drawing["height"] == 580 and "http" not in json.dumps(drawing)


def _collection():
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": square, "properties": {"code": f"3201{i:02}", "name": f"县{i}", "n": i}}
        for i in range(1, 6)
    ]}


def test_choropleth_shades_by_value_class_and_tips_each_outline_with_its_name_and_code():
    drawing, breaks = maps.choropleth(_collection(), "n", (0, 0, 1, 1), lambda code, n: f"{code} · {n} 个",
                                      points=[{"code": "x", "name": "<i>镇</i>", "lon": 0.5, "lat": 0.5}])
    assert breaks == [1, 2, 3, 4, 5]
    outlines = drawing["outlines"]
    assert [o[1] for o in outlines] == [maps.rgb(colour) for colour in maps.SEQUENTIAL]  # one class each
    assert outlines[0][2] == "县1\n320101 · 1 个" and outlines[-1][2] == "县5\n320105 · 5 个"
    assert outlines[0][0] == "M0.000,0.000L1.000,0.000L1.000,-1.000L0.000,-1.000L0.000,0.000Z"
    # a town: orange, its name as plain text (the browser writes it as text), and nothing a click opens
    assert drawing["points"] == [[0.5, -0.5, 3.5, maps.rgb(maps.POINT), "<i>镇</i>", None]]
    assert "http" not in json.dumps(drawing)  # nothing to fetch: no tiles, no map style


def test_outlines_are_drawn_as_paths_each_shaded_and_tipped_by_its_row():
    """Two regions, one of two parts; a shade for one of them: its colour and its words, the other grey with the
    words for none; the map's latitude stretched by 1 / cos of the middle latitude, north up."""
    square = lambda x, y: [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]  # noqa: E731
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "361123", "name": "玉山县"},
         "geometry": {"type": "MultiPolygon", "coordinates": [square(118, 28), square(120, 28)]}},
        {"type": "Feature", "properties": {"code": "361124", "name": "<b>铅山县</b>"},
         "geometry": {"type": "Polygon", "coordinates": square(117, 28)}}]}
    drawing = maps.drawing(collection, (117.0, 28.0, 121.0, 29.0), {"361123": ((8, 81, 156), "60% 可达")},
                           (maps.NO_SHADE, "无数据"), height=480)
    yushan, qianshan = drawing["outlines"]
    k = 1 / math.cos(math.radians(28.5))
    south, north = f"{-28 * k:.3f}", f"{-29 * k:.3f}"
    assert yushan == [f"M118.000,{south}L119.000,{south}L119.000,{north}L118.000,{north}L118.000,{south}Z"
                      f"M120.000,{south}L121.000,{south}L121.000,{north}L120.000,{north}L120.000,{south}Z",
                      "rgb(8,81,156)", "玉山县\n60% 可达"]  # two parts, one path
    assert qianshan[1:] == [maps.rgb(maps.NO_SHADE), "<b>铅山县</b>\n无数据"]
    assert drawing["height"] == 480 and drawing["points"] == []
