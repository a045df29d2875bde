"""Deterministic synthetic points for townships and villages inside their county polygon.

Villages have no public coordinates. Each township gets a point inside its county polygon,
spread out by best-candidate sampling; each village a point near its township. Every random
number comes from SHA-256 of the unit's code, so the points depend only on the codes and the
polygon: the same inputs give the same points on any machine and any library version.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

import shapely
from shapely.geometry.base import BaseGeometry

TOWNSHIP_CANDIDATES = 12  # best-candidate sampling: more spreads townships more evenly
MAX_TRIES = 200
VILLAGE_SPREAD = 0.55
DECIMALS = 6  # points are rounded before the inside test, so stored points are tested points  # village scatter, as a share of a township's notional radius


def uniforms(key: str, n: int) -> list[float]:
    """n numbers in [0, 1) derived from `key` alone."""
    out: list[float] = []
    counter = 0
    while len(out) < n:
        digest = hashlib.sha256(f"{key}:{counter}".encode()).digest()
        out.extend(int.from_bytes(digest[i : i + 8], "big") / 2**64 for i in range(0, 32, 8))
        counter += 1
    return out[:n]


def _point_in(polygon: BaseGeometry, key: str) -> tuple[float, float]:
    """A uniformly random point inside the polygon, by rejection from its bounding box."""
    minx, miny, maxx, maxy = polygon.bounds
    u = uniforms(key, 2 * MAX_TRIES)
    for i in range(MAX_TRIES):
        x = round(minx + u[2 * i] * (maxx - minx), DECIMALS)
        y = round(miny + u[2 * i + 1] * (maxy - miny), DECIMALS)
        if shapely.contains_xy(polygon, x, y):
            return x, y
    point = polygon.representative_point()
    return round(point.x, DECIMALS), round(point.y, DECIMALS)


def township_points(polygon: BaseGeometry, codes: Sequence[str]) -> dict[str, tuple[float, float]]:
    """A point for each township code, spread over the polygon (codes taken in sorted order)."""
    shapely.prepare(polygon)
    placed: dict[str, tuple[float, float]] = {}
    for code in sorted(codes):
        candidates = [_point_in(polygon, f"{code}/{k}") for k in range(TOWNSHIP_CANDIDATES)]
        if placed:
            existing = list(placed.values())
            best = max(
                candidates,
                key=lambda c: min((c[0] - x) ** 2 + (c[1] - y) ** 2 for x, y in existing),
            )
        else:
            best = candidates[0]
        placed[code] = best
    return placed


def village_points(
    polygon: BaseGeometry,
    township_xy: tuple[float, float],
    radius: float,
    codes: Sequence[str],
) -> dict[str, tuple[float, float]]:
    """A point for each village code, scattered around its township point, inside the polygon.

    `radius` is the township's notional radius in degrees; offsets are normal with a standard
    deviation of VILLAGE_SPREAD × radius. A village that cannot be placed inside the polygon
    after MAX_TRIES draws takes the township's own point.
    """
    shapely.prepare(polygon)
    sigma = VILLAGE_SPREAD * radius
    cx, cy = township_xy
    placed: dict[str, tuple[float, float]] = {}
    for code in codes:
        u = uniforms(code, 2 * MAX_TRIES)
        xy = township_xy
        for i in range(MAX_TRIES):
            # Box-Muller: two uniforms give two independent standard normals.
            r = math.sqrt(-2.0 * math.log(1.0 - u[2 * i])) * sigma
            theta = 2.0 * math.pi * u[2 * i + 1]
            # degrees of longitude shrink with latitude; keep the scatter round on the ground
            x = round(cx + r * math.cos(theta) / math.cos(math.radians(cy)), DECIMALS)
            y = round(cy + r * math.sin(theta), DECIMALS)
            if shapely.contains_xy(polygon, x, y):
                xy = (x, y)
                break
        placed[code] = xy
    return placed


def township_radius(polygon: BaseGeometry, n_townships: int) -> float:
    """The radius in degrees of a circle with a township's share of the polygon's area."""
    return math.sqrt(polygon.area / max(n_townships, 1) / math.pi)
