"""落后村地图: villages on the offline map by status or by targets missed; the work list to take away."""

import streamlit as st

from tracker.core.i18n import t
from tracker.views import lagging as lagging_view
from ui import data, filters, widgets

f = filters.current()
lang, year = f.lang, f.year
cat = data.catalogue()
area = data.region(f.area)
st.title(t("lagging.title", lang, area=area["name"], year=year))
st.caption(t("page.lagging.description", lang))

targets = data.village_targets(f.area, year)
if not targets:
    st.info(t("lagging.empty", lang, area=area["name"], year=year))
    st.stop()

modes = ["target", "missed"]
left, right = st.columns([1, 2])
mode = left.segmented_control(t("lagging.mode", lang), modes, required=True,
                              format_func=lambda m: t(f"lagging.mode.{m}", lang), key=filters.page_state("mode", modes, "target"))
filters.keep("mode", mode)
k = right.slider(t("lagging.k", lang), 1, 8, key=filters.page_state("k", list(range(1, 9)), 3))
filters.keep("k", k)
lagging = data.lagging_villages(f.area, year, k)

target_id = None
if mode == "target":
    titles = {tid: cat.targets[tid].name(lang) for tid in targets}
    default = next((tid for tid in targets if cat.targets[tid].headline), targets[0])
    target_id = st.selectbox(t("comparison.target", lang), targets, format_func=titles.get,
                             key=filters.page_state("target", targets, default))
    filters.keep("target", target_id)

view = data.lagging_map(f.area, year, mode, target_id, k, lang)
if view.deck is None:
    st.info(t("lagging.no_outline", lang))
else:
    event = st.pydeck_chart(view.deck, height=580, on_select="rerun", selection_mode="single-object",
                            key=f"lagging.map.{mode}")
    picked = (event.selection.get("objects") or {}).get(lagging_view.VILLAGES) if event else None
    if picked:
        widgets.open_village(picked[0]["code"])
    st.caption(t(view.legend, lang) + " " + t("lagging.size", lang, points=f"{view.points:,}",
                                              kb=f"{view.bytes / 1024:,.0f}"))
if view.statuses:
    st.markdown(" · ".join(f"{label} **{n:,}**" for label, n in view.statuses.items()))

st.subheader(t("lagging.worklist", lang, n=len(lagging), k=k))
if lagging.empty:
    st.info(t("lagging.none", lang, k=k))
else:
    table = lagging_view.worklist(lagging, cat, lang)
    event = st.dataframe(table, hide_index=True, on_select="rerun", selection_mode="single-row", key="lagging.table")
    st.caption(t("lagging.click", lang))
    rows = event.selection.rows if event else []
    if rows:
        chosen = lagging.iloc[rows[0]]
        widgets.village_link(chosen["village_code"], chosen["village"], lang)
    widgets.file_button(t("worklist.download", lang), data.document("worklist", f.area, year, lang, k),
                        t("file.worklist", lang, name=area["name"], year=year, k=k) + ".xlsx", widgets.XLSX, "lagging.xlsx")
