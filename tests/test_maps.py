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
