"""Chart builders: plotly figures from plain frames, no Streamlit, no internet.

Each returns a go.Figure whose dict (fig.to_dict()) the tests read. Status colours come from
tracker.core.status.STATUSES (ColorBrewer RdBu and greys, readable by colour-blind readers and on a
projector); every coloured mark also says its status in words (legend, hover).
"""

from __future__ import annotations

from html import escape

import pandas as pd
import plotly.graph_objects as go

from tracker.core.i18n import t
from tracker.core.status import STATUSES
from tracker.core.status import label as status_label
from tracker.present.scorecard import unit_label

FONT = dict(family="Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif", size=13)
TARGET_COLOUR = "#333333"
BENCHMARK_COLOUR = "#7F7F7F"
LINE_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]  # Okabe-Ito
PNG_CONFIG = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2}}


def _vline(x: float, colour: str, width: float, dash: str) -> dict:
    """A line down the plot at x, as fig.add_vline draws it: given to update_layout with the others at once, since
    add_vline validates the whole layout each time (about 10 ms a line)."""
    return dict(type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="y domain",
                line=dict(color=colour, width=width, dash=dash))


def _layout(fig: go.Figure, title: str, height: int, top: int = 50, right: int = 10) -> go.Figure:
    """Common layout; the title is escaped (it names regions, and plotly reads tags in it) and sits at the top
    of a `top`-pixel margin, above anything drawn there (a matrix's column labels)."""
    fig.update_layout(title=dict(text=escape(title), x=0, y=1, yref="container", yanchor="top", pad=dict(t=8),
                                 font=dict(size=15)),
                      height=height + top - 50, font=FONT, margin=dict(l=10, r=right, t=top, b=10),
                      plot_bgcolor="white", paper_bgcolor="white", legend=dict(orientation="h", y=-0.12, x=0))
    return fig


def _status_legend(fig: go.Figure, statuses: list[str], lang: str) -> None:
    """A legend entry per status shown (empty traces: the colours are named, not only seen)."""
    for status in sorted(set(statuses), key=lambda s: STATUSES[s].rank):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=status_label(status, lang),
                                 marker=dict(size=12, symbol="square", color=STATUSES[status].colour,
                                             line=dict(color="#666", width=1)), hoverinfo="skip"))


def ranking(frame: pd.DataFrame, title: str, unit: str, average: float | None, average_label: str,
            lang: str = "zh") -> go.Figure:
    """Regions ranked by value (best at the top), bars coloured by status, with the target and average lines.

    `frame`: region, value, target_value, status, text, hover. One target for all is a dashed line; where each
    region has its own (a benchmark recomputed within each, a share of its own units), each bar carries its own
    marker, so its colour agrees with the line it is read against, and the legend says so.
    """
    ordered = frame.dropna(subset=["value"]).sort_values("value", ascending=True)
    names = [escape(r) for r in ordered["region"]]
    fig = go.Figure(go.Bar(
        x=ordered["value"], y=names, orientation="h", text=ordered["text"], textposition="outside",
        marker=dict(color=[STATUSES[s].colour for s in ordered["status"]], line=dict(color="#666", width=0.5)),
        hovertext=ordered["hover"], hovertemplate="%{hovertext}<extra></extra>", showlegend=False))
    targets = ordered["target_value"].dropna()
    if targets.nunique() > 1:
        fig.add_trace(go.Scatter(
            x=ordered["target_value"], y=names, mode="markers", name=t("chart.own_target", lang),
            marker=dict(symbol="line-ns", size=22, line=dict(color=TARGET_COLOUR, width=3)),
            hovertext=[f"{n} · {t('chart.own_target', lang)} {v:.2f}" if v == v else n
                       for n, v in zip(names, ordered["target_value"])],
            hovertemplate="%{hovertext}<extra></extra>"))
    marks = []
    if targets.nunique() == 1:
        marks.append((targets.iloc[0], t("chart.target", lang), TARGET_COLOUR, "dash", "left"))
    if average is not None:  # labelled at the top too, clear of the axis's ticks
        marks.append((average, escape(average_label), BENCHMARK_COLOUR, "dot", "right"))
    fig.update_layout(shapes=[_vline(x, colour, 2, dash) for x, _, colour, dash, _ in marks],
                      annotations=[dict(x=x, y=1, xref="x", yref="y domain", text=text, showarrow=False, xanchor=side,
                                        yanchor="top") for x, text, _, _, side in marks])
    _status_legend(fig, ordered["status"].tolist(), lang)
    fig.update_xaxes(title=unit_label(unit), showgrid=True, gridcolor="#EEE")
    fig.update_yaxes(automargin=True)
    return _layout(fig, title, height=max(300, 110 + 24 * len(ordered)))


def trend(frame: pd.DataFrame, title: str, unit: str, target: float | None = None, deadline: int | None = None,
          benchmark: pd.DataFrame | None = None, required: pd.DataFrame | None = None,
          lang: str = "zh", projection: pd.DataFrame | None = None,
          references: pd.DataFrame | None = None) -> go.Figure:
    """Lines per region over the years, status-coloured markers, the target line to the deadline, the
    benchmark (relative rules), the required path from the base year to the target, the fan of the home
    region's projection at its recent pace (its 80% interval shaded), and published reference figures as grey
    diamonds (never targets of the area).

    `frame`: region, year, value, status, hover. `benchmark` and `required`: year, value; `projection`: year,
    value, low, high; `references`: year, value, label.
    """
    fig = go.Figure()
    for i, (region, part) in enumerate(frame.groupby("region", sort=False)):
        part = part.sort_values("year")
        fig.add_trace(go.Scatter(
            x=part["year"], y=part["value"], name=escape(region), mode="lines+markers",
            line=dict(color=LINE_COLOURS[i % len(LINE_COLOURS)], width=2.5),
            marker=dict(size=11, color=[STATUSES[s].colour if s else LINE_COLOURS[i % len(LINE_COLOURS)]
                                        for s in part["status"]],
                        line=dict(color=LINE_COLOURS[i % len(LINE_COLOURS)], width=2)),
            hovertext=part["hover"], hovertemplate="%{hovertext}<extra></extra>"))
    if benchmark is not None and not benchmark.empty:
        fig.add_trace(go.Scatter(x=benchmark["year"], y=benchmark["value"], name=t("chart.benchmark", lang),
                                 mode="lines", line=dict(color=BENCHMARK_COLOUR, width=2, dash="dot")))
    if required is not None and not required.empty:
        fig.add_trace(go.Scatter(x=required["year"], y=required["value"], name=t("chart.required", lang),
                                 mode="lines", line=dict(color=TARGET_COLOUR, width=1.5, dash="dashdot")))
    if projection is not None and not projection.empty:
        band = projection.dropna(subset=["low", "high"])
        if not band.empty:
            fig.add_trace(go.Scatter(x=[*band["year"], *band["year"][::-1]], y=[*band["high"], *band["low"][::-1]],
                                     fill="toself", fillcolor="rgba(0, 114, 178, 0.15)", line=dict(width=0),
                                     name=t("chart.projection_interval", lang), hoverinfo="skip"))
        fig.add_trace(go.Scatter(x=projection["year"], y=projection["value"], name=t("chart.projection", lang),
                                 mode="lines+markers", line=dict(color=LINE_COLOURS[0], width=2, dash="dot"),
                                 marker=dict(size=6)))
    if references is not None and not references.empty:
        fig.add_trace(go.Scatter(x=references["year"], y=references["value"], name=t("chart.reference", lang),
                                 mode="markers+text", text=[escape(x) for x in references["label"]],
                                 textposition="bottom center", textfont=dict(size=11, color=BENCHMARK_COLOUR),
                                 marker=dict(symbol="diamond-open", size=11, color=BENCHMARK_COLOUR,
                                             line=dict(width=2)),
                                 hovertemplate="%{text}<extra></extra>"))
    if target is not None:
        years = sorted(set(frame["year"]) | ({deadline} if deadline else set()))
        fig.add_trace(go.Scatter(x=[years[0], years[-1]], y=[target, target], name=t("chart.target", lang),
                                 mode="lines", line=dict(color=TARGET_COLOUR, width=2, dash="dash")))
    fig.update_xaxes(dtick=1, title=None, showgrid=False)
    # the unit written level above the axis: a one-character unit (个) turned on its side reads as an arrow
    fig.update_yaxes(title=None, showgrid=True, gridcolor="#EEE")
    fig.add_annotation(text=escape(unit_label(unit)), xref="paper", yref="paper", x=0, y=1, xanchor="right",
                       yanchor="bottom", showarrow=False, font=dict(size=12, color="#555"))
    return _layout(fig, title, height=420)


def spread(values: pd.Series, title: str, unit: str, lines: list[tuple[float, str]], lang: str = "zh",
           references: list[tuple[float, str]] = ()) -> go.Figure:
    """How a figure spreads over units (a histogram), with vertical lines at the values given (candidates) and thin
    grey ones at published reference figures (never targets of the area)."""
    fig = go.Figure(go.Histogram(x=values.dropna(), marker=dict(color=LINE_COLOURS[0], line=dict(color="#FFF", width=1)),
                                 name=t("chart.units", lang), hovertemplate="%{x}: %{y}<extra></extra>"))
    # the labels stacked down the right of each line (candidates and references lie close together: 95, 96, 97)
    marks = [(x, label, TARGET_COLOUR, 2, ("dash", "dot", "dashdot")[i % 3], 13) for i, (x, label) in enumerate(lines)]
    marks += [(x, label, BENCHMARK_COLOUR, 1, "dot", 11) for x, label in references]
    labels = [dict(x=x, y=1 - 0.09 * i, xref="x", yref="paper", text=escape(label), showarrow=False, xanchor="right",
                   yanchor="top", font=dict(size=size, color=colour), bgcolor="rgba(255, 255, 255, 0.85)")
              for i, (x, label, colour, _, _, size) in enumerate(marks)]
    labels.append(dict(text=escape(t("chart.units", lang)), xref="paper", yref="paper", x=0, y=1, xanchor="right",
                       yanchor="bottom", showarrow=False, font=dict(size=12, color="#555")))
    fig.update_layout(shapes=[_vline(x, colour, width, dash) for x, _, colour, width, dash, _ in marks],
                      annotations=labels)
    fig.update_xaxes(title=unit_label(unit), showgrid=False)
    fig.update_yaxes(title=None, showgrid=True, gridcolor="#EEE")
    return _layout(fig, title, height=320)
