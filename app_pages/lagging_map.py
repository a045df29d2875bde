"""落后村地图: villages on the offline map by status or by targets missed; the work list to take away."""

import streamlit as st

from tracker.core.i18n import md_escape, t
from tracker.views import lagging as lagging_view
from ui import data, filters, svg_drawing, widgets

f = filters.current()
lang, year = f.lang, f.year
header = st.container()  # the title above the choices, written once the view model names the area
left, right = st.columns([1, 2])
mode = left.segmented_control(t("lagging.mode", lang), lagging_view.MODES, required=True,
                              format_func=lambda m: t(f"lagging.mode.{m}", lang),
                              key=filters.page_state("mode", lagging_view.MODES, "target"))
filters.keep("mode", mode)
k = right.slider(t("lagging.k", lang), 1, 8, key=filters.page_state("k", list(range(1, 9)), 3))
filters.keep("k", k)
view = data.lagging(f.area, year, lang, mode, filters.requested("target"), k)
name = md_escape(view.area_name)
header.title(t("lagging.title", lang, area=name, year=year))
header.caption(t("page.lagging.description", lang))
if not view.targets:
    st.info(t("lagging.empty", lang, area=name, year=year))
    filters.stop()

if mode == "target":
    target_id = st.selectbox(t("comparison.target", lang), view.targets, format_func=view.titles.get,
                             key=filters.page_state("target", view.targets, view.target_id))
    filters.keep("target", target_id)

if view.map.drawing is None:
    st.info(t("lagging.no_outline", lang))
else:
    # a summed point (a township, a county) opens nothing
    picked = svg_drawing.draw(view.map.drawing, f"lagging.map.{mode}", lang, f"lagging-{mode}-{f.area}",
                          clickable=view.map.layer == lagging_view.VILLAGES)
    if picked:
        widgets.open_village(picked)
    st.caption(t(view.map.legend, lang) + " " + t("lagging.size", lang, points=f"{view.map.points:,}",
                                                  kb=f"{view.map.bytes / 1024:,.0f}"))
if view.map.statuses:
    st.markdown(" · ".join(f"{label} **{n:,}**" for label, n in view.map.statuses.items()))

st.subheader(t("lagging.worklist", lang, n=len(view.lagging), k=k))
if view.lagging.empty:
    st.info(t("lagging.none", lang, k=k))
else:
    # the furthest behind as a short table to read; the whole list, to sort and open a village from, in a panel
    # built when opened (a grid of hundreds of rows cost the page a third of its switch)
    st.caption(t("lagging.first", lang, n=len(view.first)))
    widgets.table(view.first, view.first_words)
    with widgets.folded(t("lagging.all", lang), "lagging.all.open", icon=":material/list:") as box:
        if box.open:
            event = st.dataframe(view.worklist, hide_index=True, on_select="rerun", selection_mode="single-row",
                                 key="lagging.table")
            st.caption(t("lagging.click", lang))
            rows = event.selection.rows if event else []
            if rows:
                chosen = view.lagging.iloc[rows[0]]
                widgets.village_link(chosen["village_code"], chosen["village"], lang)
    widgets.file_button(t("worklist.download", lang), data.document("worklist", f.area, year, lang, k),
                        f"{view.file_name}.xlsx", widgets.XLSX, "lagging.xlsx")
