"""指标目录: every target, grouped by document or theme, with its rule and its quoted clause."""

import streamlit as st

from tracker.core.assess import method
from tracker.core.i18n import t
from tracker.views import catalogue as view
from ui import data, filters

lang = filters.current().lang
cat = data.catalogue()
st.title(t("page.catalogue.title", lang))
st.caption(t("page.catalogue.description", lang))

counts = [("targets", len(cat.targets)), ("documents", len(cat.documents)),
          ("measures", len(cat.measures)), ("groups", len(cat.groups))]
for column, (key, n) in zip(st.columns(len(counts)), counts):
    column.metric(t(f"catalogue.metric.{key}", lang), n)

left, middle, right = st.columns([2, 2, 3])
group_by = left.segmented_control(t("catalogue.group_by", lang), ["document", "theme"], default="document",
                                  required=True, format_func=lambda k: t(f"catalogue.by.{k}", lang),
                                  key="catalogue_group_by")
plans = {"": t("catalogue.all_plans", lang)} | {p.id: p.name(lang) for p in cat.plans.values()}
plan = middle.selectbox(t("catalogue.plan", lang), list(plans), format_func=plans.get, key="catalogue_plan")
search = right.text_input(t("catalogue.search", lang), key="catalogue_search")

with st.expander(t("catalogue.method", lang)):
    st.markdown("\n".join(f"- {line}" for line in method(lang)))

names = data.names(view.region_codes(cat))
texts = data.policy_texts()
groups = view.grouped_targets(cat, group_by, plan, search)
if not groups:
    st.info(t("catalogue.none", lang))
for key, targets in groups.items():
    st.subheader(view.heading(cat, key, group_by, lang))
    st.dataframe(view.target_table(cat, targets, names, lang), hide_index=True)
    for target in targets:
        with st.expander(f"{target.name(lang)} · `{target.id}`"):
            st.markdown(view.target_markdown(cat, target, names, texts, lang))
