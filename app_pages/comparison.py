"""县区对比: counties (a county's townships) ranked on a target, a heat matrix, chosen ones over time, peers."""

import streamlit as st

from tracker.core.i18n import md_escape, t
from ui import data, filters, widgets

f = filters.current()
lang, year = f.lang, f.year
view = data.comparison(f.area, year, lang, filters.requested("target"), tuple(filters.requested("compare", multi=True)))
name = md_escape(view.area_name)
st.title(t("comparison.title", lang, area=name, units=view.units))
st.caption(t("page.comparison.description", lang))
if view.empty:
    st.info(t("comparison.empty", lang, area=name, year=year, units=view.units))
    filters.stop()

target_id = st.selectbox(t("comparison.target", lang), view.targets, format_func=view.titles.get,
                         key=filters.page_state("target", view.targets, view.target_id))
filters.keep("target", target_id)
st.markdown(view.summary)
widgets.chart(view.ranking, f"ranking-{target_id}-{f.area}-{year}", lang)

st.subheader(t("comparison.matrix", lang, units=view.units))
widgets.status_matrix(view.matrix)
widgets.why_panel(view.cells, lang, "comparison.why")
widgets.xlsx_button(t("comparison.download", lang), view.sheets,
                    t("file.comparison", lang, name=view.area_name, year=year) + ".xlsx", "comparison.xlsx")

st.subheader(t("comparison.over_time", lang))
picked = st.multiselect(t("comparison.pick", lang, units=view.units), list(view.names), format_func=view.names.get,
                        max_selections=5, key=filters.page_state("compare", list(view.names), view.picked, multi=True,
                                                                 most=5))
filters.keep("compare", picked)
if picked and view.over_time is not None:
    widgets.chart(view.over_time, f"compare-{target_id}-{f.area}", lang)

st.subheader(t("comparison.peers", lang))
if not view.peers:
    st.info(t("comparison.no_peers", lang, units=view.units))
for peers in view.peers:
    if peers.chart is None:
        st.info(t("comparison.no_peer_data", lang, group=peers.name))
    else:
        widgets.chart(peers.chart, f"peers-{peers.name}-{target_id}", lang)
