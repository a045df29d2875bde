"""Every map and chart as a Streamlit component of our own: the SVG that svg_drawing.js draws in the browser from
tracker.present.maps.drawing's or tracker.present.charts' data (styled by svg_drawing.css), with its download as
an SVG file, and a click on a map's point returning its code."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

from tracker.core.i18n import t

HERE = Path(__file__).parent


@cache
def _component():
    # registered once per process (Streamlit keeps the definition; registering it again on every run would warn)
    return st.components.v2.component("tracker.drawing", html="<div class='tracker-svg'></div>",
                                      css=(HERE / "svg_drawing.css").read_text(encoding="utf-8"),
                                      js=(HERE / "svg_drawing.js").read_text(encoding="utf-8"))


def draw(data: dict, key: str, lang: str, name: str, clickable: bool = False) -> str | None:
    """Draw the map or chart (its download named `name`.svg); the code of the map's point clicked in this run (only
    when `clickable`), else None. A map says under it how to zoom and pan; a chart does not move."""
    chart = data.get("kind") == "chart"
    result = _component()(data={**data, "clickable": clickable, "file": f"{name}.svg",
                                "download": t("chart.download" if chart else "map.download", lang),
                                "hint": "" if chart else t("map.hint", lang)},
                          key=key, on_clicked_change=lambda: None)
    return getattr(result, "clicked", None) if clickable else None
