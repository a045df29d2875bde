"""Static charts for documents (PNG), drawn offline by matplotlib with a CJK font from PyPI.

The font is Noto Sans CJK SC from the `mplfonts` package (SIL Open Font License), found on disk
and registered with matplotlib; nothing is downloaded, no browser is needed. Colours are the
status colours of the pages (tracker.core.status.STATUSES).
"""

from __future__ import annotations

import importlib.util
import io
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: documents are written on servers and in CI
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from tracker.core.status import STATUSES  # noqa: E402
from tracker.present.charts import LINE_COLOURS  # noqa: E402  (the pages' line colours)
from tracker.present.scorecard import unit_label  # noqa: E402


@cache
def cjk_font() -> str:
    """Register the CJK font with matplotlib once; its family name."""
    spec = importlib.util.find_spec("mplfonts")
    assert spec is not None and spec.submodule_search_locations, \
        "the CJK font package is missing: pip install -r requirements.txt (mplfonts)"
    path = Path(spec.submodule_search_locations[0]) / "fonts" / "NotoSansCJKsc-Regular.otf"
    assert path.exists(), f"{path}: the Noto Sans CJK SC font file is missing from mplfonts"
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _figure(width: float, height: float):
    plt.rcParams["font.family"] = [cjk_font()]
    plt.rcParams["axes.unicode_minus"] = False  # the CJK font has no U+2212 minus
    fig, ax = plt.subplots(figsize=(width, height), dpi=150)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="both", color="#EEEEEE", linewidth=0.8)
    ax.set_axisbelow(True)
    return fig, ax


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=150, facecolor="white")
    plt.close(fig)
    return buffer.getvalue()


def trend_png(lines: pd.DataFrame, title: str, unit: str, target: float | None, deadline: int | None,
              required: pd.DataFrame | None = None, benchmark: pd.DataFrame | None = None,
              target_label: str = "目标", required_label: str = "按期达标所需路径",
              benchmark_label: str = "比较基准", projection: pd.DataFrame | None = None,
              projection_label: str = "按近年进度预计") -> bytes:
    """A trend with its target line (and required path or benchmark) and the projection's fan to the deadline;
    `lines`: region, year, value, status; `projection`: year, value, low, high."""
    fig, ax = _figure(6.0, 3.2)
    for i, (region, part) in enumerate(lines.dropna(subset=["value"]).groupby("region", sort=False)):
        part = part.sort_values("year")
        colour = LINE_COLOURS[i % len(LINE_COLOURS)]
        ax.plot(part["year"], part["value"], color=colour, linewidth=2, label=region, zorder=3)
        ax.scatter(part["year"], part["value"], s=42, zorder=4, edgecolors=colour, linewidths=1.5,
                   c=[STATUSES[s].colour if s else colour for s in part["status"]])
    if benchmark is not None and not benchmark.empty:
        ax.plot(benchmark["year"], benchmark["value"], color="#7F7F7F", linestyle=":", linewidth=2,
                label=benchmark_label)
    if required is not None and not required.empty:
        ax.plot(required["year"], required["value"], color="#333333", linestyle="-.", linewidth=1.2,
                label=required_label)
    if projection is not None and not projection.empty:
        ax.plot(projection["year"], projection["value"], color=LINE_COLOURS[0], linestyle="--", linewidth=1.5,
                label=projection_label, zorder=3)
        band = projection.dropna(subset=["low", "high"])
        if not band.empty:
            ax.fill_between(band["year"], band["low"], band["high"], color=LINE_COLOURS[0], alpha=0.15, linewidth=0)
    if target is not None:
        ax.axhline(target, color="#333333", linestyle="--", linewidth=1.5, label=target_label)
    years = sorted(set(lines["year"]) | ({deadline} if deadline else set()))
    ax.set_xticks(years)
    ax.set_ylabel(unit_label(unit))
    ax.set_title(title, fontsize=11, loc="left")
    ax.legend(fontsize=8, frameon=False, loc="best")
    return _png(fig)


def ranking_png(frame: pd.DataFrame, title: str, unit: str, average: float | None, average_label: str,
                target_label: str = "目标", own_label: str = "各自的目标线") -> bytes:
    """Regions ranked by value, bars in status colours, with the target (each bar its own where they differ, as
    tracker.present.charts.ranking draws them) and the area's own figure.

    `frame`: region, value, target_value, status, text.
    """
    ordered = frame.dropna(subset=["value"]).sort_values("value")
    fig, ax = _figure(6.0, max(2.2, 0.28 * len(ordered) + 0.9))
    bars = ax.barh(ordered["region"], ordered["value"], color=[STATUSES[s].colour for s in ordered["status"]],
                   edgecolor="#666666", linewidth=0.5, zorder=3)
    for bar, text in zip(bars, ordered["text"]):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {text}", va="center", fontsize=7)
    targets = ordered["target_value"].dropna()
    if targets.nunique() > 1:
        ax.scatter(ordered["target_value"], ordered["region"], marker="|", s=160, linewidths=2.5, color="#333333",
                   label=own_label, zorder=5)
    elif len(targets):
        ax.axvline(targets.iloc[0], color="#333333", linestyle="--", linewidth=1.5, label=target_label, zorder=4)
    if average is not None:
        ax.axvline(average, color="#7F7F7F", linestyle=":", linewidth=2, label=average_label, zorder=4)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel(unit_label(unit))
    ax.set_title(title, fontsize=11, loc="left")
    if len(targets) or average is not None:
        ax.legend(fontsize=8, frameon=False, loc="lower right")
    return _png(fig)
