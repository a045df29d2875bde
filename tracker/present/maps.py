"""Map builders: what ui/svg_drawing draws as an SVG in the browser — outlines in longitude × latitude shaded and
tipped one by one, points on top (drawing); shaded by a value's class (choropleth, 地区概况), by status under the
villages (status_map, 落后村地图), or by a page's own rows (目标测算, 报送进度). No basemap, no tiles, no chart
library, no WebGL: nothing to fetch, and the browser draws a province's counties in a few hundredths of a second."""

from __future__ import annotations

import math
from collections.abc import Callable

from tracker.core.status import STATUSES

# ColorBrewer "Blues", 5 classes: sequential, readable by colour-blind readers and on a projector.
SEQUENTIAL = [(239, 243, 255), (189, 215, 231), (107, 174, 214), (49, 130, 189), (8, 81, 156)]
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


def choropleth(collection: dict, value_key: str, bounds: tuple[float, float, float, float],
               words: Callable[[str, float], str], points: list[dict] | None = None,
               height: int = 560) -> tuple[dict, list[float]]:
    """Outlines shaded by their property `value_key` in quantile classes (tipped by their name and `words(code,
    value)`, grey and tipped by their name without a value), with optional points on top (orange, their name on
    hover); the drawing and the class breaks (for the legend)."""
    values = {f["properties"]["code"]: f["properties"][value_key] for f in collection["features"]
              if f["properties"].get(value_key) is not None}
    breaks = class_breaks(list(values.values()))
    shades = {code: (SEQUENTIAL[class_of(value, breaks)], words(code, value)) for code, value in values.items()}
    dots = [(p["lon"], p["lat"], 3.5, POINT, str(p["name"]), None) for p in points or []]
    return drawing(collection, bounds, shades, (NO_SHADE, ""), dots, height), breaks


SHARE_BREAKS = [20.0, 40.0, 60.0, 80.0, 100.0]  # share of units meeting a target, in fixed fifths
MISSED = [(254, 204, 92), (253, 141, 60), (240, 59, 32), (189, 0, 38), (110, 0, 30)]  # YlOrRd: 1, 2, 3, 4, 5+
NO_SHADE = (235, 235, 235)


def rgb(colour: tuple[int, int, int]) -> str:
    """(8, 81, 156) → 'rgb(8,81,156)', as SVG takes a colour."""
    return "rgb({},{},{})".format(*colour)


def hex_rgb(colour: str) -> list[int]:
    """'#B2182B' → [178, 24, 43]."""
    return [int(colour[i:i + 2], 16) for i in (1, 3, 5)]


def faded(colour) -> tuple[int, int, int]:
    """A colour laid at FADE over white: an outline light enough for the points on it to stand out."""
    return tuple(round(255 - (255 - c) * FADE) for c in colour)


def status_map(collection: dict, bounds: tuple[float, float, float, float], statuses: dict[str, str],
               labels: dict[str, str], points: list[dict], height: int = 580) -> dict:
    """The lagging map: outlines shaded by their region's status (its verdict under the target's declared reading,
    faded; grey without a result) and tipped by their label, under points coloured by their `c` field and tipped by
    their name `n`, `code`, `v` and `s`. A summed point's radius `r` in metres (as a unit's villages grow) is drawn
    in pixels at the map's scale (2.5–14 px, a village 250 m)."""
    shades = {code: (faded(hex_rgb(STATUSES[status].colour)), labels.get(code, ""))
              for code, status in statuses.items() if status in STATUSES}
    scale = _pixels_per_metre(bounds, height)
    dots = [(p["lon"], p["lat"], min(max(p.get("r", VILLAGE_RADIUS) * scale, 2.5), 14), p["c"],
             f"{p['n']} {p['code']}\n{p['v']}\n{p['s']}", p["code"]) for p in points]
    return drawing(collection, bounds, shades, (NO_SHADE, ""), dots, height)


def drawing(collection: dict, bounds: tuple[float, float, float, float],
            shades: dict[str, tuple[tuple[int, int, int], str]], none: tuple[tuple[int, int, int], str],
            points: list[tuple] = (), height: int = 560) -> dict:
    """What ui/svg_drawing draws: each outline of `collection` filled and tipped by `shades[code]` — (colour, words) —
    or by `none` where it has no shade, its name first in the tip; then `points`, each (lon, lat, radius in pixels,
    colour, words, code — or None for a point a click does not open). Coordinates are longitude × −latitude stretched
    by 1 / cos of the middle latitude (north up, as on a map), to three decimals (about 100 m); a region's parts and
    holes are one path (filled even-odd). Texts are plain: the browser writes them as text, never as markup."""
    min_lon, min_lat, max_lon, max_lat = bounds
    stretch = 1 / math.cos(math.radians((min_lat + max_lat) / 2))
    outlines = []
    for feature in collection["features"]:
        code, name = feature["properties"]["code"], feature["properties"]["name"]
        colour, words = shades.get(code, none)
        geometry = feature["geometry"]
        parts = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        path = "".join("M" + "L".join(f"{x:.3f},{-y * stretch:.3f}" for x, y in ring) + "Z"
                       for part in parts for ring in part)
        outlines.append([path, rgb(colour), f"{name}\n{words}".strip()])
    dots = [[round(lon, 3), round(-lat * stretch, 3), round(radius, 1), rgb(colour), words.strip(), code]
            for lon, lat, radius, colour, words, code in points]
    pad = 0.02 * max(max_lon - min_lon, (max_lat - min_lat) * stretch)
    box = [min_lon - pad, -max_lat * stretch - pad,
           max_lon - min_lon + 2 * pad, (max_lat - min_lat) * stretch + 2 * pad]
    return {"box": [round(v, 3) for v in box], "height": height, "outlines": outlines, "points": dots}


def _pixels_per_metre(bounds: tuple[float, float, float, float], height: int, width: int = 900) -> float:
    """How many pixels a metre takes on a map of `bounds` fitted into width × height pixels (its latitude stretched
    by 1 / cos, as the maps draw it)."""
    min_lon, min_lat, max_lon, max_lat = bounds
    across = math.cos(math.radians((min_lat + max_lat) / 2))
    per_degree = min(width / max(max_lon - min_lon, 1e-3), height * across / max(max_lat - min_lat, 1e-3))
    return per_degree / (111_320 * across)
