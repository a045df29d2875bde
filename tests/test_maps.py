"""Map builders as pure functions: class breaks, view fitting and the deck's JSON."""

from __future__ import annotations

import json

import pytest

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


def test_view_fits_the_bounds():
    jiangsu = (116.36, 30.76, 121.97, 35.13)
    view = maps.view_for(jiangsu, width=900, height=560)
    assert view.longitude == pytest.approx(119.165)
    assert view.latitude == pytest.approx(32.945)
    assert 6.0 < view.zoom < 7.0  # a province, whole, in 900 × 560 px
    county = maps.view_for((116.3, 28.4, 116.9, 29.0))
    assert county.zoom > view.zoom + 2


def _collection():
    square = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": square, "properties": {"code": f"3201{i:02}", "name": f"县{i}", "n": i}}
        for i in range(1, 6)
    ]}


def test_choropleth_shades_by_value_class_and_tips_each_outline_with_its_name_and_code():
    fig, breaks = maps.choropleth_figure(_collection(), "n", (0, 0, 1, 1),
                                         points=[{"code": "x", "name": "<i>镇</i>", "lon": 0.5, "lat": 0.5}])
    assert breaks == [1, 2, 3, 4, 5]
    *outlines, points = fig.data
    assert [o.name for o in outlines] == [f"3201{i:02}" for i in range(1, 6)]
    assert outlines[0].fillcolor == "rgb({},{},{})".format(*maps.SEQUENTIAL[0])
    assert outlines[-1].fillcolor == "rgb({},{},{})".format(*maps.SEQUENTIAL[-1])
    assert outlines[0].text == "县1<br>320101" and list(outlines[0].x) == [0, 1, 1, 0, 0, None]
    assert points.mode == "markers" and list(points.text) == ["&lt;i&gt;镇&lt;/i&gt;"]  # a name is text
    assert "http" not in fig.to_json()  # nothing to fetch: no tiles, no map style


def test_outlines_are_drawn_as_filled_shapes_each_shaded_and_tipped_by_its_row():
    """Two regions, one of two parts; a row for one of them: its colour and its words, the other grey with the
    words for none; a name is text (escaped); the map's latitude stretched by 1 / cos of the middle latitude."""
    import math

    import pandas as pd

    square = lambda x, y: [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]  # noqa: E731
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "361123", "name": "玉山县"},
         "geometry": {"type": "MultiPolygon", "coordinates": [square(118, 28), square(120, 28)]}},
        {"type": "Feature", "properties": {"code": "361124", "name": "<b>铅山县</b>"},
         "geometry": {"type": "Polygon", "coordinates": square(117, 28)}}]}
    rows = pd.DataFrame({"share": [60.0]}, index=["361123"])
    fig = maps.outlines_figure(collection, (117.0, 28.0, 121.0, 29.0), rows,
                               lambda row: ((8, 81, 156), f"{row['share']:g}% 可达"), "无数据", height=480)
    yushan, qianshan = fig.data
    assert yushan.fill == "toself" and yushan.fillcolor == "rgb(8,81,156)" and yushan.text == "玉山县<br>60% 可达"
    assert list(yushan.x) == [118, 119, 119, 118, 118, None, 120, 121, 121, 120, 120, None]  # two parts, one trace
    assert qianshan.fillcolor == "rgb({},{},{})".format(*maps.NO_SHADE)
    assert qianshan.text == "&lt;b&gt;铅山县&lt;/b&gt;<br>无数据"
    assert fig.layout.yaxis.scaleanchor == "x"
    assert fig.layout.yaxis.scaleratio == pytest.approx(1 / math.cos(math.radians(28.5)))
    assert fig.layout.height == 480
