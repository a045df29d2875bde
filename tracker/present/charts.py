"""Chart builders: what ui/svg_drawing draws as an SVG in the browser, from plain frames — no chart library, no
Streamlit, no internet.

A chart is a dict of shapes (`elements`), each placed across the plot by a fraction of its width (`x`, so the
browser fits the chart to the page's width as it draws it) or at a pixel (`ax`), and down it in pixels (`y`); its
hover words (`tip`) are plain text, a line each, written by the browser as text, never markup. Each shape also keeps
the name of what it draws (`n`) and the value it stands for (`v`): what the tests read. Status colours come from
tracker.core.status.STATUSES (ColorBrewer RdBu and greys, readable by colour-blind readers and on a projector); every
coloured mark also says its status in words (legend, hover).
"""

from __future__ import annotations

import math

import pandas as pd

from tracker.core.i18n import t
from tracker.core.numbers import number
from tracker.core.status import STATUSES
from tracker.core.status import label as status_label
from tracker.present.scorecard import unit_label

FONT = dict(family="Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif", size=13)
INK, MUTED, GRID = "#262730", "#555555", "#EEEEEE"
TARGET_COLOUR = "#333333"
BENCHMARK_COLOUR = "#7F7F7F"
LINE_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]  # Okabe-Ito
DASHES = {"solid": "", "dash": "6 4", "dot": "2 3", "dashdot": "7 3 2 3"}
TITLE = 30  # pixels above everything else: the title's line
LEGEND_WIDTH = 640  # the legend's entries wrap as if the chart were this wide (narrower than any page shows it)


def text_width(text: str, size: float = FONT["size"]) -> float:
    """About how wide `text` is drawn at `size` pixels: a Chinese character a square, a Latin one six tenths."""
    return sum(size if ord(c) >= 0x2E80 else 0.6 * size for c in str(text))


def ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round steps (1, 2, 2.5 or 5 × 10ⁿ) covering low..high in at most about `most` steps; the first and the last
    are the axis's ends."""
    if not high > low:
        low, high = (low - 1, high + 1) if low == high else (high, low)
    raw = (high - low) / most
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    start, end = math.floor(low / step + 1e-9) * step, math.ceil(high / step - 1e-9) * step
    return [round(start + i * step, 10) for i in range(round((end - start) / step) + 1)]


def scale(low: float, high: float, most: int = 6, pad: float = 0.05, keep_zero: bool = False) -> tuple:
    """An axis over low..high with `pad` of its span beyond each end (not beyond zero when `keep_zero`: bars start
    there), and its round ticks inside: (start, end, ticks)."""
    if not high > low:
        low, high = min(low, high) - 1, max(low, high) + 1
    span = high - low
    start = low if keep_zero and low == 0 else low - pad * span
    end = high if keep_zero and high == 0 else high + pad * span
    return start, end, [v for v in ticks(start, end, most) if start - 1e-9 <= v <= end + 1e-9]


def tick_text(value: float, step: float) -> str:
    """A tick's label with as many decimals as its step needs: 20, 2.5, 0.25, 1,200."""
    decimals = next(d for d in range(6) if abs(step * 10 ** d - round(step * 10 ** d)) < 1e-6)
    return f"{value:,.{decimals}f}"


class Canvas:
    """A chart's shapes as they are added, with its margins: `left` and `right` pixels beside the plot, which spans
    the rest of the width; `top` and `height` pixels of plot."""

    def __init__(self, title: str, left: float, right: float, top: float, height: float):
        self.title = title
        self.left, self.right, self.top, self.height = round(left), round(right), top, height
        self.elements: list[dict] = []
        self.legend: list[dict] = []
        self.text(title, TITLE - 10, ax=0, size=15, fill=INK)

    @property
    def bottom(self) -> float:
        return self.top + self.height

    def add(self, kind: str, **shape) -> None:
        self.elements.append({"t": kind, **{k: v for k, v in shape.items() if v is not None and v != ""}})

    def text(self, text: str, y: float, x: float | None = None, ax: float | None = None, dx: float = 0,
             anchor: str = "start", size: float = 12, fill: str = MUTED, halo: bool = False, n: str | None = None):
        self.add("text", s=str(text), x=x, ax=ax, dx=dx or None, y=round(y, 1), anchor=anchor, size=size, fill=fill,
                 halo=halo or None, n=n)

    def line(self, points: list[tuple[float, float]], colour: str, width: float, dash: str = "solid",
             n: str | None = None, v: list | None = None, tip: str | None = None) -> None:
        self.add("line", p=[[round(x, 5), round(y, 1)] for x, y in points], stroke=colour, sw=width,
                 dash=DASHES[dash] or None, n=n, v=v, tip=tip)

    def dot(self, x: float, y: float, radius: float, fill: str, stroke: str, width: float = 1, shape: str = "circle",
            n: str | None = None, v=None, tip: str | None = None) -> None:
        self.add("dot", x=round(x, 5), y=round(y, 1), r=radius, fill=fill, stroke=stroke, sw=width,
                 shape=None if shape == "circle" else shape, n=n, v=v, tip=tip)

    def key(self, label: str, swatch: str, colour: str, dash: str = "solid", fill: str | None = None) -> None:
        """A legend entry: `swatch` is a line (with `dash`), a square, a diamond (filled with `fill`), a tick or a
        band."""
        self.legend.append({"label": label, "swatch": swatch, "colour": colour, "dash": dash, "fill": fill})

    def data(self) -> dict:
        """The chart for ui/svg_drawing (called once, when every shape is in): the legend laid out in rows under the
        plot, the height that takes."""
        y, x = self.bottom + (52 if self.legend else 40), 0.0
        for entry in self.legend:
            width = 30 + text_width(entry["label"], 12) + 18
            if x and x + width > LEGEND_WIDTH:
                x, y = 0.0, y + 22
            self._swatch(entry, x, y - 4)
            self.text(entry["label"], y, ax=round(x + 28, 1), size=12, fill=INK)
            x += width
        return {"kind": "chart", "title": self.title, "height": round(y + 14), "left": self.left, "right": self.right,
                "font": FONT["family"], "elements": self.elements}

    def _swatch(self, entry: dict, x: float, y: float) -> None:
        colour, swatch = entry["colour"], entry["swatch"]
        if swatch == "line":
            self.add("line", a=[[x, y], [x + 22, y]], stroke=colour, sw=2.5, dash=DASHES[entry["dash"]] or None)
        elif swatch == "band":
            self.add("rect", ax0=x, ax1=x + 22, y0=y - 6, y1=y + 6, fill=colour)
        elif swatch == "tick":
            self.add("line", a=[[x + 11, y - 8], [x + 11, y + 8]], stroke=colour, sw=3)
        else:  # a square or a diamond
            self.add("dot", ax=x + 11, y=y, r=6, fill=entry["fill"] or colour, stroke=colour if entry["fill"]
                     else "#666666", sw=2 if entry["fill"] else 1, shape=swatch)


def _status_legend(canvas: Canvas, statuses: list[str], lang: str) -> None:
    """A legend entry per status shown: the colours are named, not only seen."""
    for status in sorted({s for s in statuses if s in STATUSES}, key=lambda s: STATUSES[s].rank):
        canvas.key(status_label(status, lang), "square", STATUSES[status].colour)


def _value_grid(canvas: Canvas, tick_values: list[float], y_of) -> None:
    """Horizontal grid lines at the ticks, labelled left of the plot."""
    step = tick_values[1] - tick_values[0]
    for value in tick_values:
        canvas.line([(0, y_of(value)), (1, y_of(value))], GRID, 1)
        canvas.text(tick_text(value, step), y_of(value) + 4, x=0, dx=-8, anchor="end")


def ranking(frame: pd.DataFrame, title: str, unit: str, average: float | None, average_label: str,
            lang: str = "zh") -> dict:
    """Regions ranked by value (the best at the top), bars coloured by status, with the target and average lines.

    `frame`: region, value, target_value, status, text, hover. One target for all is a dashed line; where each
    region has its own (a benchmark recomputed within each, a share of its own units), each bar carries its own
    mark, so its colour agrees with the line it is read against, and the legend says so.
    """
    ordered = frame.dropna(subset=["value"]).sort_values("value", ascending=False)
    targets = ordered["target_value"].dropna()
    marks = []
    if targets.nunique() == 1:
        marks.append((float(targets.iloc[0]), t("chart.target", lang), TARGET_COLOUR, "dash", "end"))
    if average is not None:  # labelled above the plot too, clear of the axis's ticks
        marks.append((float(average), average_label, BENCHMARK_COLOUR, "dot", "start"))
    shown = [*ordered["value"], *targets, *(x for x, *_ in marks)]
    low, high, marks_at = scale(min([0.0, *shown]), max([0.0, *shown]), keep_zero=True)

    def x_of(value: float) -> float:
        return (value - low) / (high - low)

    row = 24
    canvas = Canvas(title, left=12 + max([text_width(r) for r in ordered["region"]] or [40]),
                    right=10 + max([text_width(s, 12) for s in ordered["text"]] or [10]), top=TITLE + 22,
                    height=row * len(ordered) + 8)
    for value in marks_at:
        canvas.line([(x_of(value), canvas.top), (x_of(value), canvas.bottom)], GRID, 1)
        canvas.text(tick_text(value, marks_at[1] - marks_at[0]), canvas.bottom + 16, x=x_of(value), anchor="middle")
    canvas.text(unit_label(unit), canvas.bottom + 34, x=0.5, anchor="middle")
    base = x_of(min(max(0.0, low), high))
    for i, r in enumerate(ordered.to_dict("records")):
        y = canvas.top + 4 + row * i
        canvas.text(r["region"], y + row / 2 + 4, x=0, dx=-8, anchor="end", size=13, fill=INK)
        canvas.add("rect", x0=round(base, 5), x1=round(x_of(r["value"]), 5), y0=y + 3, y1=y + row - 3,
                   fill=STATUSES[r["status"]].colour, stroke="#666666", sw=0.5, n=r["region"], v=r["value"],
                   tip=r["hover"])
        below = r["value"] < 0
        canvas.text(r["text"], y + row / 2 + 4, x=round(x_of(r["value"]), 5), dx=-4 if below else 4,
                    anchor="end" if below else "start", fill=INK)
        if targets.nunique() > 1 and pd.notna(r["target_value"]):
            canvas.line([(x_of(r["target_value"]), y), (x_of(r["target_value"]), y + row)], TARGET_COLOUR, 3,
                        n=t("chart.own_target", lang), v=[r["region"], r["target_value"]],
                        tip=f"{r['region']} · {t('chart.own_target', lang)} {r['target_value']:.2f}")
    for value, label, colour, dash, side in marks:
        canvas.line([(x_of(value), canvas.top - 4), (x_of(value), canvas.bottom)], colour, 2, dash, n=label,
                    v=value, tip=f"{label} {number(value, unit, lang)}")
        canvas.text(label, canvas.top - 8, x=x_of(value), dx=-3 if side == "end" else 3, anchor=side, fill=colour)
    _status_legend(canvas, ordered["status"].tolist(), lang)
    if targets.nunique() > 1:
        canvas.key(t("chart.own_target", lang), "tick", TARGET_COLOUR)
    return canvas.data()


def trend(frame: pd.DataFrame, title: str, unit: str, target: float | None = None, deadline: int | None = None,
          benchmark: pd.DataFrame | None = None, required: pd.DataFrame | None = None,
          lang: str = "zh", projection: pd.DataFrame | None = None,
          references: pd.DataFrame | None = None) -> dict:
    """Lines per region over the years, status-coloured markers, the target line to the deadline, the
    benchmark (relative rules), the required path from the base year to the target, the fan of the home
    region's projection at its recent pace (its 80% interval shaded), and published reference figures as grey
    diamonds (never targets of the area).

    `frame`: region, year, value, status, hover. `benchmark` and `required`: year, value; `projection`: year,
    value, low, high; `references`: year, value, label.
    """
    def given(extra: pd.DataFrame | None) -> pd.DataFrame | None:
        return extra if extra is not None and not extra.empty else None

    benchmark, required, projection, references = map(given, (benchmark, required, projection, references))
    lines = frame.dropna(subset=["value"])
    years = {int(y) for y in frame["year"]} | ({int(deadline)} if deadline and target is not None else set())
    values = list(lines["value"]) + ([target] if target is not None else [])
    for extra, columns in ((benchmark, ["value"]), (required, ["value"]), (projection, ["value", "low", "high"]),
                           (references, ["value"])):
        if extra is not None:
            years |= {int(y) for y in extra["year"]}
            values += [v for c in columns for v in extra[c] if pd.notna(v)]
    first, last = (min(years), max(years)) if years else (2020, 2025)
    low, high, marks_at = scale(min(values or [0]), max(values or [1]))
    step = marks_at[1] - marks_at[0]
    canvas = Canvas(title, left=14 + max(text_width(tick_text(v, step), 12) for v in marks_at), right=16,
                    top=TITLE + 20, height=300)

    def x_of(year: float) -> float:
        return (year - first + 0.4) / (last - first + 0.8)

    def y_of(value: float) -> float:
        return canvas.top + canvas.height * (1 - (value - low) / (high - low))

    def said(name: str, year, value: float) -> str:
        return f"{name} · {int(year)}: {number(value, unit, lang)}"

    _value_grid(canvas, marks_at, y_of)
    canvas.text(unit_label(unit), canvas.top - 8, x=0, dx=-canvas.left + 4)  # level above the axis, not on its side
    for year in range(first, last + 1):
        canvas.text(str(year), canvas.bottom + 18, x=round(x_of(year), 5), anchor="middle")

    def course(points: pd.DataFrame, name: str, colour: str, width: float, dash: str, dots: float = 0) -> None:
        points = points.dropna(subset=["value"]).sort_values("year")
        canvas.line([(x_of(y), y_of(v)) for y, v in zip(points["year"], points["value"])], colour, width, dash,
                    n=name, v=[[int(y), float(v)] for y, v in zip(points["year"], points["value"])])
        for r in points.to_dict("records") if dots else ():
            interval = f" ({number(r['low'], unit, lang)}–{number(r['high'], unit, lang)})" \
                if "low" in r and pd.notna(r["low"]) and r["low"] != r["high"] else ""
            canvas.dot(x_of(r["year"]), y_of(r["value"]), dots, colour, colour, n=name, v=[int(r["year"]), r["value"]],
                       tip=said(name, r["year"], r["value"]) + interval)
        canvas.key(name, "line", colour, dash)

    if projection is not None:
        band = projection.dropna(subset=["low", "high"]).sort_values("year")
        if not band.empty:
            name = t("chart.projection_interval", lang)
            canvas.add("area", p=[[round(x_of(y), 5), round(y_of(v), 1)] for y, v in
                                  [*zip(band["year"], band["high"]), *zip(band["year"][::-1], band["low"][::-1])]],
                       fill="rgba(0,114,178,0.15)", n=name)
            canvas.key(name, "band", "rgba(0,114,178,0.25)")
    if target is not None:
        name = t("chart.target", lang)
        canvas.line([(x_of(first), y_of(target)), (x_of(last), y_of(target))], TARGET_COLOUR, 2, "dash", n=name,
                    v=[[first, target], [last, target]], tip=f"{name} {number(target, unit, lang)}")
        canvas.key(name, "line", TARGET_COLOUR, "dash")
    if required is not None:
        course(required, t("chart.required", lang), TARGET_COLOUR, 1.5, "dashdot", dots=2.5)
    if benchmark is not None:
        course(benchmark, t("chart.benchmark", lang), BENCHMARK_COLOUR, 2, "dot", dots=2.5)
    if projection is not None:
        course(projection, t("chart.projection", lang), LINE_COLOURS[0], 2, "dot", dots=3.5)
    for i, (region, part) in enumerate(lines.groupby("region", sort=False)):
        colour = LINE_COLOURS[i % len(LINE_COLOURS)]
        course(part, region, colour, 2.5, "solid")
        for r in part.sort_values("year").to_dict("records"):
            status = r["status"] if r["status"] in STATUSES else None
            words = [w for w in str(r["hover"] or "").split("\n") if w] or [said(region, r["year"], r["value"])]
            if status:
                words.insert(1, status_label(status, lang))
            canvas.dot(x_of(r["year"]), y_of(r["value"]), 5.5, STATUSES[status].colour if status else colour, colour,
                       2, n=region, v=[int(r["year"]), float(r["value"])], tip="\n".join(words))
    _status_legend(canvas, lines["status"].tolist(), lang)
    if references is not None:
        name = t("chart.reference", lang)
        for r in references.to_dict("records"):
            canvas.dot(x_of(r["year"]), y_of(r["value"]), 6, "white", BENCHMARK_COLOUR, 2, "diamond", n=name,
                       v=[int(r["year"]), float(r["value"])], tip=f"{r['label']}: {number(r['value'], unit, lang)}")
            across = x_of(r["year"])  # a label at either end of the plot reads inwards, not off the chart
            side, dx = ("end", 8) if across > 0.85 else ("start", -8) if across < 0.15 else ("middle", 0)
            canvas.text(r["label"], y_of(r["value"]) + 20, x=round(across, 5), dx=dx, anchor=side, size=11,
                        fill=BENCHMARK_COLOUR, halo=True)
        canvas.key(name, "diamond", BENCHMARK_COLOUR, fill="white")
    return canvas.data()


def spread(values: pd.Series, title: str, unit: str, lines: list[tuple[float, str]], lang: str = "zh",
           references: list[tuple[float, str]] = ()) -> dict:
    """How a figure spreads over units (a histogram in round bins), with vertical lines at the values given
    (candidates) and thin grey ones at published reference figures (never targets of the area)."""
    shown = values.dropna().astype(float)
    marks = [(x, label, TARGET_COLOUR, 2, ("dash", "dot", "dashdot")[i % 3], 13) for i, (x, label) in enumerate(lines)]
    marks += [(x, label, BENCHMARK_COLOUR, 1, "dot", 11) for x, label in references]
    everything = [*shown, *(x for x, *_ in marks)] or [0.0, 1.0]
    edges = ticks(min(shown) if len(shown) else 0, max(shown) if len(shown) else 1,
                  most=max(5, min(20, round(math.sqrt(len(shown))))))
    if len(shown) and shown.max() >= edges[-1]:  # a bin holds its lower edge, so the maximum needs one above it
        edges.append(round(edges[-1] + edges[1] - edges[0], 10))
    counts = pd.cut(shown, edges, right=False).value_counts(sort=False).tolist()
    low, high, axis = scale(min([*everything, edges[0]]), max([*everything, edges[-1]]), pad=0.02)
    top = max([1, *counts])
    height_ticks = [v for v in ticks(0, top, most=min(4, top)) if v == int(v)]
    canvas = Canvas(title, left=14 + max(text_width(tick_text(v, 1), 12) for v in height_ticks), right=16,
                    top=TITLE + 20, height=200)

    def x_of(value: float) -> float:
        return (value - low) / (high - low)

    def y_of(count: float) -> float:
        return canvas.top + canvas.height * (1 - count / max(height_ticks[-1], top))

    _value_grid(canvas, height_ticks, y_of)
    canvas.text(t("chart.units", lang), canvas.top - 8, x=0, dx=-canvas.left + 4)
    for value in axis:
        canvas.text(tick_text(value, axis[1] - axis[0]), canvas.bottom + 16, x=x_of(value), anchor="middle")
    canvas.text(unit_label(unit), canvas.bottom + 34, x=0.5, anchor="middle")
    name, step = t("chart.units", lang), edges[1] - edges[0]
    for left, right, count in zip(edges, edges[1:], counts):
        if count:
            canvas.add("rect", x0=round(x_of(left), 5), x1=round(x_of(right), 5), y0=round(y_of(count), 1),
                       y1=canvas.bottom, fill=LINE_COLOURS[0], stroke="#FFFFFF", sw=1, n=name, v=[left, right, count],
                       tip=f"{tick_text(left, step)}–{tick_text(right, step)}: {count}")
    # the labels stacked down the right of each line (candidates and references lie close together: 95, 96, 97)
    for i, (x, label, colour, width, dash, size) in enumerate(marks):
        canvas.line([(x_of(x), canvas.top), (x_of(x), canvas.bottom)], colour, width, dash, n=label, v=x, tip=label)
        canvas.text(label, canvas.top + 14 + 17 * i, x=round(x_of(x), 5), dx=-4, anchor="end", size=size,
                    fill=colour, halo=True)
    return canvas.data()
