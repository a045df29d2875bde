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


def test_choropleth_deck_is_offline_and_shades_by_value():
    deck, breaks = maps.choropleth_deck(_collection(), "n", (0, 0, 1, 1),
                                        points=[{"code": "x", "name": "镇", "lon": 0.5, "lat": 0.5}])
    spec = json.loads(deck.to_json())
    assert spec["mapStyle"] == "app/static/blank-style.json"
    assert "http" not in deck.to_json()
    assert breaks == [1, 2, 3, 4, 5]
    fills = [polygon["fill"] for polygon in spec["layers"][0]["data"]]
    assert fills[0][:3] == list(maps.SEQUENTIAL[0]) and fills[-1][:3] == list(maps.SEQUENTIAL[-1])
    assert [layer["@@type"] for layer in spec["layers"]] == ["SolidPolygonLayer", "LineLayer", "ScatterplotLayer"]
    # each square drawn once, filled and tipped by its properties; its four edges as lines
    assert [polygon["code"] for polygon in spec["layers"][0]["data"]] == [f"3201{i:02}" for i in range(1, 6)]
    assert spec["layers"][0]["data"][0]["polygon"] == [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]
    assert spec["layers"][1]["data"][:4] == [{"s": [0, 0], "t": [1, 0]}, {"s": [1, 0], "t": [1, 1]},
                                             {"s": [1, 1], "t": [0, 1]}, {"s": [0, 1], "t": [0, 0]}]
    assert len(spec["layers"][1]["data"]) == 5 * 4
    assert spec["views"] and deck._tooltip == {"text": "{name}\n{code}"}  # text, never HTML


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
