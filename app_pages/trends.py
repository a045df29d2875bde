"""趋势: a target's course 2020-2025 for the area and the regions below it, against the target line,
the benchmark (relative rules) and the path required to reach the target by the deadline."""

import streamlit as st

from tracker.core.i18n import md_escape, t
from ui import data, filters, widgets

f = filters.current()
lang = f.lang
view = data.trends(f.area, f.year, lang, filters.requested("target"), tuple(filters.requested("regions", multi=True)))
st.title(t("trends.title", lang, area=md_escape(view.area_name)))
st.caption(t("page.trends.description", lang))
if view.no_figures:
    st.info(t("trends.no_figures", lang, target=md_escape(data.catalogue().targets[view.no_figures].name(lang)),
              area=md_escape(view.area_name)))
if view.empty:
    st.info(t("trends.empty", lang, area=md_escape(view.area_name)))
    filters.stop()

target_id = st.selectbox(t("comparison.target", lang), view.targets, format_func=view.titles.get,
                         key=filters.page_state("target", view.targets, view.target_id))
filters.keep("target", target_id)
picked = st.multiselect(t("trends.regions", lang), list(view.names), format_func=view.names.get, max_selections=6,
                        key=filters.page_state("regions", list(view.names), view.picked, multi=True, most=6))
filters.keep("regions", picked)
if not picked:
    st.info(t("trends.pick", lang))
    filters.stop()

widgets.chart(view.chart, f"trend-{target_id}-{view.home}", lang)
st.caption(view.note)
widgets.table(view.table.reset_index())  # the regions picked (at most six) by year
widgets.xlsx_button(t("trends.download", lang), {view.titles[target_id][:31]: view.table.reset_index()},
                    t("file.trend", lang, target=view.titles[target_id], name=view.names[view.home]) + ".xlsx",
                    "trends.xlsx")
