"""Every map as a Streamlit component of our own: the SVG that svg_map.js draws in the browser from
tracker.present.maps.drawing's data (styled by svg_map.css), with its download as an SVG file, and a click on a
point returning its code."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

from tracker.core.i18n import t

HERE = Path(__file__).parent


@cache
def _component():
    # registered once per process (Streamlit keeps the definition; registering it again on every run would warn)
    return st.components.v2.component("tracker.map", html="<div class='tracker-map'></div>",
                                      css=(HERE / "svg_map.css").read_text(encoding="utf-8"),
                                      js=(HERE / "svg_map.js").read_text(encoding="utf-8"))


def draw(data: dict, key: str, lang: str, name: str, clickable: bool = False) -> str | None:
    """Draw the map (its download named `name`.svg); the code of the point clicked in this run (only when
    `clickable`), else None."""
    result = _component()(data={**data, "clickable": clickable, "file": f"{name}.svg",
                                "download": t("map.download", lang), "hint": t("map.hint", lang)},
                          key=key, on_clicked_change=lambda: None)
    return getattr(result, "clicked", None) if clickable else None
