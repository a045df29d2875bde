"""Map builders: plotly figures of outlines filled as shapes in longitude × latitude (outlines_figure), shaded by a
value's class (choropleth_figure), and the lagging map's outlines shaded by status under points (status_map), drawn
as an SVG by ui/svg_map. No basemap, no tiles, no WebGL: nothing to fetch."""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

import pandas as pd
import plotly.graph_objects as go

from tracker.core.status import STATUSES
from tracker.present.charts import FONT

# ColorBrewer "Blues", 5 classes: sequential, readable by colour-blind readers and on a projector.
SEQUENTIAL = [(239, 243, 255), (189, 215, 231), (107, 174, 214), (49, 130, 189), (8, 81, 156)]
OUTLINE = (80, 80, 80)
POINT = (230, 85, 13)  # orange points stand out on the blue scale
FADE = 90 / 255  # how much of its status colour an outline takes under the points
VILLAGE_RADIUS = 250  # metres


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


def rgb(colour: tuple[int, int, int]) -> str:
    """(8, 81, 156) → 'rgb(8,81,156)', as plotly takes a colour."""
    return "rgb({},{},{})".format(*colour)


def hex_rgb(colour: str) -> list[int]:
    """'#B2182B' → [178, 24, 43]."""
    return [int(colour[i:i + 2], 16) for i in (1, 3, 5)]


def faded(colour, alpha: float = FADE) -> tuple[int, int, int]:
    """A colour laid at `alpha` over white: an outline light enough for the points on it to stand out."""
    return tuple(round(255 - (255 - c) * alpha) for c in colour)


def status_map(collection: dict, bounds: tuple[float, float, float, float], statuses: dict[str, str],
               labels: dict[str, str], points: list[dict], height: int = 580) -> dict:
    """The lagging map as drawn by ui/svg_map (an SVG the browser draws itself, no chart library): outlines shaded by
    their region's status (its verdict under the target's declared reading, faded; grey without a result) and
    tipped by their name and label, under points coloured by their `c` field and tipped by their name `n`, `code`,
    `v` and `s`. A summed point's radius `r` in metres (as a unit's villages grow) is drawn in pixels at the map's
    scale (2.5–14 px, a village 250 m). Coordinates are longitude × −latitude stretched by 1 / cos of the middle
    latitude (north up, as on the map), to three decimals (about 100 m). Texts are plain: the browser writes them
    as text, never as markup."""
    min_lon, min_lat, max_lon, max_lat = bounds
    stretch = 1 / math.cos(math.radians((min_lat + max_lat) / 2))
    outlines = []
    for feature in collection["features"]:
        code, name = feature["properties"]["code"], feature["properties"]["name"]
        status = statuses.get(code)
        fill = faded(hex_rgb(STATUSES[status].colour)) if status in STATUSES else NO_SHADE
        geometry = feature["geometry"]
        parts = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        path = "".join("M" + "L".join(f"{x:.3f},{-y * stretch:.3f}" for x, y in ring) + "Z"
                       for part in parts for ring in part)  # holes too: the path fills even-odd
        outlines.append([path, rgb(fill), f"{name}\n{labels.get(code, '')}".strip()])
    scale = _pixels_per_metre(bounds, height)
    drawn = [[round(p["lon"], 3), round(-p["lat"] * stretch, 3),
              round(min(max(p.get("r", VILLAGE_RADIUS) * scale, 2.5), 14), 1), rgb(p["c"]),
              f"{p['n']} {p['code']}\n{p['v']}\n{p['s']}".strip(), p["code"]] for p in points]
    pad = 0.02 * max(max_lon - min_lon, (max_lat - min_lat) * stretch)
    box = [min_lon - pad, -max_lat * stretch - pad, max_lon - min_lon + 2 * pad, (max_lat - min_lat) * stretch + 2 * pad]
    return {"box": [round(v, 3) for v in box], "height": height, "outlines": outlines, "points": drawn}


def _pixels_per_metre(bounds: tuple[float, float, float, float], height: int, width: int = 900) -> float:
    """How many pixels a metre takes on a map of `bounds` fitted into width × height pixels (its latitude stretched
    by 1 / cos, as the maps draw it)."""
    min_lon, min_lat, max_lon, max_lat = bounds
    across = math.cos(math.radians((min_lat + max_lat) / 2))
    per_degree = min(width / max(max_lon - min_lon, 1e-3), height * across / max(max_lat - min_lat, 1e-3))
    return per_degree / (111_320 * across)


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
