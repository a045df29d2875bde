"""趋势: a target's course 2020-2025 for the area and the regions below it, against the target line,
the benchmark (relative rules) and the path required to reach the target by the deadline."""

import streamlit as st

from tracker.core.i18n import t
from tracker.present import charts, scorecard
from ui import data, filters, widgets

f = filters.current()
lang = f.lang
cat = data.catalogue()
area = data.region(f.area)
st.title(t("trends.title", lang, area=area["name"]))
st.caption(t("page.trends.description", lang))

homes = scorecard.card_regions(cat, f.area)
rows = data.assessment_rows(regions=tuple(sorted(set(homes.values()))))
found = rows[rows["in_period"]]
order = [tid for tid in cat.targets if tid in set(found["target_id"]) and homes[tid] in set(found["region_code"])]
if not order:
    st.info(t("trends.empty", lang, area=area["name"]))
    st.stop()
titles = {tid: cat.targets[tid].name(lang) for tid in order}
default = next((tid for tid in order if cat.targets[tid].headline and cat.targets[tid].rule.kind != "relative_growth"),
               order[0])  # a headline target with a target line to draw
target_id = st.selectbox(t("comparison.target", lang), order, format_func=titles.get,
                         key=filters.page_state("target", order, default))
filters.keep("target", target_id)
target, home = cat.targets[target_id], homes[target_id]

below = data.assessment_rows(level=scorecard.sub_level(home), area=home, years=(f.year,), target=target_id) \
    if len(home) < 9 else rows.iloc[0:0]
names = {home: data.region(home)["name"], **dict(zip(below["region_code"], below["region_name"]))}
picked = st.multiselect(t("trends.regions", lang), list(names), format_func=names.get, max_selections=6,
                        key=filters.page_state("regions", list(names), [home], multi=True, most=6))
filters.keep("regions", picked)
if not picked:
    st.info(t("trends.pick", lang))
    st.stop()

view = scorecard.trend(data.assessment_rows(regions=tuple(picked), target=target_id), cat, target_id, home, lang)
title = t("trends.chart_title", lang, target=titles[target_id])
widgets.chart(charts.trend(view.lines, title, view.unit, view.target, target.deadline, view.benchmark, view.required,
                           lang), f"trend-{target_id}-{home}")
st.caption(t("trends.growth_note" if target.rule.kind == "relative_growth" else "trends.note", lang,
             deadline=target.deadline))

table = view.lines.pivot_table(index="region", columns="year", values="value", aggfunc="first").round(2)
table.columns = [str(c) for c in table.columns]
table.index.name = t("table.col.region", lang)
st.dataframe(table)
widgets.xlsx_button(t("trends.download", lang), {titles[target_id][:31]: table.reset_index()},
                    f"trend-{target_id}-{home}.xlsx", "trends.xlsx")
