"""指标目录: every target, grouped by document or theme, with its rule and its quoted clause."""

import streamlit as st

from tracker.core.assess import method
from tracker.core.i18n import t
from ui import data, filters, widgets

lang = filters.current().lang
cat = data.catalogue()
st.title(t("page.catalogue.title", lang))
st.caption(t("page.catalogue.description", lang))

counts = [("targets", len(cat.targets)), ("documents", len(cat.documents)),
          ("measures", len(cat.measures)), ("groups", len(cat.groups))]
widgets.counts([(t(f"catalogue.metric.{key}", lang), n) for key, n in counts])

left, middle, right = st.columns([2, 2, 3])
group_by = left.segmented_control(t("catalogue.group_by", lang), ["document", "theme"], default="document",
                                  required=True, format_func=lambda k: t(f"catalogue.by.{k}", lang),
                                  key="catalogue_group_by")
plans = {"": t("catalogue.all_plans", lang)} | {p.id: p.name(lang) for p in cat.plans.values()}
plan = middle.selectbox(t("catalogue.plan", lang), list(plans), format_func=plans.get, key="catalogue_plan")
search = right.text_input(t("catalogue.search", lang), key="catalogue_search")

with st.expander(t("catalogue.method", lang)):
    st.markdown("\n".join(f"- {line}" for line in method(lang)))

sections = data.catalogue_sections(group_by, plan, search, lang)
if not sections:
    st.info(t("catalogue.none", lang))
# a target's record (its clause in its paragraph) for the row picked in its table, or at once when one is left
alone = sum(len(section.records) for section in sections) == 1
if sections and not alone:
    st.caption(t("catalogue.pick", lang))
# a document (or theme) a panel: the first open, all of them when searching; a closed one's table is built only
# when it is opened
for i, section in enumerate(sections):
    choice = f"{group_by}.{plan}.{search}.{i}"
    with st.expander(t("catalogue.section", lang, heading=section.heading, n=len(section.table)),
                     expanded=i == 0 or bool(search), key=f"catalogue.section.{choice}", on_change="rerun") as box:
        if not box.open:
            continue
        event = st.dataframe(section.table, hide_index=True, on_select="rerun", selection_mode="single-row",
                             key=f"catalogue.table.{choice}")
        picked = [section.table["id"].iloc[row] for row in (event.selection.rows if event else [])]
        for target_id in picked or (list(section.records) if alone else []):
            with st.container(border=True):
                st.markdown(section.records[target_id])
