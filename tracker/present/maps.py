"""Map builders: pydeck decks that draw outlines and points with no basemap and no internet, and plotly
figures of shaded outlines alone (outlines_figure).

Streamlit inserts a Carto basemap into any deck without a map style, even with
map_provider=None; a blank MapLibre style served by Streamlit's static file serving
(static/blank-style.json) keeps every request on the app's own server.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from html import escape

import pandas as pd
import plotly.graph_objects as go
import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize

from tracker.core.status import STATUSES
from tracker.present.charts import FONT

BLANK_STYLE = "app/static/blank-style.json"

# ColorBrewer "Blues", 5 classes: sequential, readable by colour-blind readers and on a projector.
SEQUENTIAL = [(239, 243, 255), (189, 215, 231), (107, 174, 214), (49, 130, 189), (8, 81, 156)]
OUTLINE = (80, 80, 80)
POINT = (230, 85, 13)  # orange points stand out on the blue scale


class CompactDeck(pdk.Deck):
    """A deck whose JSON has no indentation: pydeck indents by two spaces per level, which makes a
    province's outlines five times larger on the wire (Streamlit sends `to_json()` as it is)."""

    def to_json(self) -> str:
        # written once: the page measures it and Streamlit sends it (the deck is not changed after that)
        if getattr(self, "_json", None) is None:
            self._json = json.dumps(self, sort_keys=True, default=_without_memo, separators=(",", ":"))
        return self._json


def _without_memo(obj):
    return {k: v for k, v in default_serialize(obj).items() if k != "_json"} if isinstance(obj, CompactDeck) \
        else default_serialize(obj)


def class_breaks(values: list[float], k: int = len(SEQUENTIAL)) -> list[float]:
    """Upper bounds of k quantile classes (the last is the maximum); [] for no values."""
    ordered = sorted(values)
    if not ordered:
        return []
    return [ordered[min(len(ordered) - 1, math.ceil(len(ordered) * (i + 1) / k) - 1)] for i in range(k)]


def class_of(value: float, breaks: list[float]) -> int:
    """Index of the first class whose upper bound is at least `value`."""
    for i, upper in enumerate(breaks):
        if value <= upper:
            return i
    return len(breaks) - 1


def view_for(bounds: tuple[float, float, float, float], width: int = 900, height: int = 560) -> pdk.ViewState:
    """A view that fits the bounds into a viewport of width × height pixels (Web Mercator)."""
    min_lon, min_lat, max_lon, max_lat = bounds
    lat = (min_lat + max_lat) / 2
    lon_span = max(max_lon - min_lon, 1e-3)
    lat_span = max(max_lat - min_lat, 1e-3) / math.cos(math.radians(lat))
    # deck.gl's world is 512 px wide at zoom 0
    zoom = math.log2(min(width * 360 / (lon_span * 512), height * 360 / (lat_span * 512))) - 0.1
    return pdk.ViewState(longitude=(min_lon + max_lon) / 2, latitude=lat, zoom=round(zoom, 2))


def choropleth_figure(collection: dict, value_key: str, bounds: tuple[float, float, float, float],
                      points: list[dict] | None = None, height: int = 560) -> tuple[go.Figure, list[float]]:
    """Outlines shaded by their property `value_key` in quantile classes (outlines_figure; tipped by their name and
    code, grey and tipped by their name without a value), with optional points on top (their name on hover); the
    figure and the class breaks (for the legend)."""
    values = {f["properties"]["code"]: f["properties"][value_key] for f in collection["features"]
              if f["properties"].get(value_key) is not None}
    breaks = class_breaks(list(values.values()))
    rows = pd.DataFrame({"value": list(values.values())}, index=list(values), dtype=float)
    fig = outlines_figure(collection, bounds, rows, lambda row: (SEQUENTIAL[class_of(row["value"], breaks)], row.name),
                          "", height)
    if points:
        fig.add_trace(go.Scatter(x=[p["lon"] for p in points], y=[p["lat"] for p in points], mode="markers",
                                 marker=dict(color=rgb(POINT), size=7), showlegend=False,
                                 hoverinfo="text", text=[escape(str(p["name"])) for p in points]))
    return fig, breaks


SHARE_BREAKS = [20.0, 40.0, 60.0, 80.0, 100.0]  # share of units meeting a target, in fixed fifths
MISSED = [(254, 204, 92), (253, 141, 60), (240, 59, 32), (189, 0, 38), (110, 0, 30)]  # YlOrRd: 1, 2, 3, 4, 5+
NO_SHADE = (235, 235, 235)


def outline_layers(collection: dict) -> list[pdk.Layer]:
    """The outlines of a GeoJSON collection as two simple layers: each polygon filled with its feature's `fill`
    and tipped by its properties ("outlines", pickable), and its rings' edges as lines ("borders"). deck.gl's
    GeoJsonLayer draws the same with a filled layer and a path layer, whose shader takes 0.6 s to compile in a
    browser drawing WebGL without a graphics card (each time a map is shown): lines cost half of that."""
    polygons, edges = [], []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        parts = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        for part in parts:
            polygons.append({**feature["properties"], "polygon": part})
            edges.extend({"s": ring[i], "t": ring[i + 1]} for ring in part for i in range(len(ring) - 1))
    return [pdk.Layer("SolidPolygonLayer", data=polygons, id="outlines", pickable=True, get_polygon="polygon",
                      get_fill_color="fill"),
            pdk.Layer("LineLayer", data=edges, id="borders", get_source_position="s", get_target_position="t",
                      get_color=list(OUTLINE), width_min_pixels=1)]


def rgb(colour: tuple[int, int, int]) -> str:
    """(8, 81, 156) → 'rgb(8,81,156)', as plotly takes a colour."""
    return "rgb({},{},{})".format(*colour)


def hex_rgb(colour: str) -> list[int]:
    """'#B2182B' → [178, 24, 43]."""
    return [int(colour[i:i + 2], 16) for i in (1, 3, 5)]


def shade_by_status(collection: dict, statuses: dict[str, str], labels: dict[str, str]) -> dict:
    """Give each outline the colour of its region's status (its verdict under the target's declared reading)
    and a tooltip label; a region without a result: light grey."""
    for feature in collection["features"]:
        code = feature["properties"]["code"]
        status = statuses.get(code)
        colour = hex_rgb(STATUSES[status].colour) if status in STATUSES else list(NO_SHADE)
        feature["properties"]["fill"] = [*colour, 90]  # light enough for the status points to stand out
        feature["properties"]["tip"] = labels.get(code, "")
    return collection


def status_deck(collection: dict, bounds: tuple[float, float, float, float], points: list[dict],
                layer_id: str, tooltip: str) -> pdk.Deck:
    """County outlines shaded (shade_by_status) under points coloured by their `c` field.

    Points carry few, short fields (lon, lat, c and what the tooltip names) to keep what the browser
    receives small. The points layer is pickable so a click can open the unit.
    """
    layers = outline_layers(collection)
    if points:
        layers.append(pdk.Layer("ScatterplotLayer", data=points, id=layer_id, pickable=True, get_position=["lon", "lat"],
                                get_fill_color="c", get_radius="r" if "r" in points[0] else 250,
                                radius_min_pixels=2.5, radius_max_pixels=14, stroked=True,
                                get_line_color=[60, 60, 60], line_width_min_pixels=0.5))
    return CompactDeck(layers=layers, initial_view_state=view_for(bounds), map_style=BLANK_STYLE, map_provider=None,
                       tooltip={"text": tooltip})


def outlines_figure(collection: dict, bounds: tuple[float, float, float, float], rows: pd.DataFrame,
                    shade: Callable[[pd.Series], tuple[tuple[int, int, int], str]], none_tip: str,
                    height: int) -> go.Figure:
    """Outlines each filled and tipped by `shade(row)` — (colour, tooltip) — from its row of `rows` (indexed by
    region code), grey with `none_tip` where it has none (目标测算's counties reaching a candidate, 报送进度's
    states). Drawn by plotly as filled shapes in longitude × latitude, the latitude stretched by 1 / cos as on the
    map, not by deck.gl: a deck compiles its shaders each time it is shown, 1–2 s in a browser drawing WebGL
    without a graphics card, where these shapes draw in a few hundredths (SVG). A feature's parts are one trace,
    its outer rings separated by gaps; the tooltip is text (names escaped: plotly reads tags)."""
    fig = go.Figure()
    for feature in collection["features"]:
        code, name = feature["properties"]["code"], feature["properties"]["name"]
        colour, tip = shade(rows.loc[code]) if code in rows.index else (NO_SHADE, none_tip)
        geometry = feature["geometry"]
        parts = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        xs, ys = [], []
        for part in parts:
            xs += [p[0] for p in part[0]] + [None]
            ys += [p[1] for p in part[0]] + [None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", fill="toself", name=code, showlegend=False,
                                 fillcolor=rgb(colour), line=dict(color=rgb(OUTLINE), width=1),
                                 hoveron="fills", hoverinfo="text",
                                 text=escape(f"{name}\n{tip}").replace("\n", "<br>")))
    middle = math.radians((bounds[1] + bounds[3]) / 2)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / math.cos(middle))
    fig.update_layout(height=height, margin=dict(l=0, r=0, t=0, b=0), plot_bgcolor="white", paper_bgcolor="white",
                      dragmode="pan", font=FONT)
    return fig
