"""村庄档案: one village — every target's status over the years, its measures, its township's and county's
figures beside its own, and the file and row each number came from."""

import streamlit as st

from tracker.core.i18n import md_escape, t
from tracker.views import village as village_view
from ui import data, filters, widgets

f = filters.current()
lang, year = f.lang, f.year
st.title(t("page.village.title", lang))

# Which village: a search (one match opens at once, several are listed, none is said), else the one the URL or
# this session named, else the one furthest behind in the area.
search = st.text_input(t("village.search", lang), key="village.search", placeholder=t("village.search_hint", lang))
code = None
if search.strip():
    found = data.find_villages(f.area, search)
    if found.empty:
        st.warning(t("village.none", lang, text=md_escape(search.strip())))
        filters.stop()
    if len(found) == 1:
        code = found["code"].iloc[0]
    else:
        labels = village_view.option_labels(found)
        code = st.selectbox(t("village.several", lang, n=len(found), text=md_escape(search.strip())),
                            found["code"].tolist(), index=None, format_func=lambda c: md_escape(labels.get(c, c)),
                            placeholder=t("village.pick_placeholder", lang), key=f"village.pick.{search.strip()}")
        if code is None:
            filters.stop()
else:
    code = filters.requested("village")  # the URL's, else this session's last
    if not code:
        worst = data.lagging_villages(f.area, year, 1)
        code = worst["village_code"].iloc[0] if not worst.empty else None
if code is None:
    st.info(t("village.none", lang, text=""))
    filters.stop()
filters.keep("village", code)

view = data.village(code, year, lang, filters.requested("target"))
if view is None:
    st.warning(t("village.not_found", lang, code=md_escape(code)))
    filters.stop()
name = md_escape(view.name)
st.subheader(f"{name} · {code}")
st.caption(t("village.where", lang, township=md_escape(view.township), county=md_escape(view.county),
             kind=t(f"kind.{view.kind}", lang)))

if view.profile.table.empty:
    st.info(t("village.no_targets", lang, name=name, year=year))
else:
    widgets.counts([(t(f"village.metric.{key}", lang), view.profile.counts[key])
                    for key in ("in_scope", "missed", "behind", "no_data")])
    st.markdown(f"**{t('village.targets', lang, year=year)}**")
    widgets.table(view.profile.table, [t("village.col.status", lang)])
    widgets.status_matrix(view.matrix)
    widgets.why_panel(view.profile.cells.assign(region=view.profile.cells["year_text"]), lang, "village.why")
    target_id = st.selectbox(t("village.chart_target", lang), list(view.titles), format_func=view.titles.get,
                             key=filters.page_state("target", list(view.titles), view.target_id))
    filters.keep("target", target_id)
    widgets.chart(view.course, f"village-{code}-{target_id}", lang)

st.subheader(t("village.measures", lang))
if view.measures.empty:
    st.info(t("village.no_values", lang, name=name))
else:
    widgets.table(view.measures)
    if not view.flags.empty:  # 数据审核: what the checks found, and what was answered
        st.markdown(f"**{t('village.flags', lang)}**")
        widgets.table(view.flags, view.flag_words)
    with widgets.folded(t("village.sources", lang), "village.sources", icon=":material/source:") as box:
        if box.open:
            st.dataframe(view.sources, hide_index=True)
    widgets.xlsx_button(t("village.download", lang), view.sheets, t("file.village", lang, name=view.name, code=code) + ".xlsx",
                        "village.xlsx")
