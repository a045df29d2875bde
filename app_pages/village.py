"""村庄档案: one village — every target's status over the years, its measures, its township's and county's
figures beside its own, and the file and row each number came from."""

import streamlit as st

from tracker.core.i18n import t
from tracker.present import charts, scorecard
from tracker.views import village as village_view
from ui import data, filters, widgets

f = filters.current()
lang, year = f.lang, f.year
cat = data.catalogue()
st.title(t("page.village.title", lang))

search = st.text_input(t("village.search", lang), key="village.search", placeholder=t("village.search_hint", lang))
found = data.find_villages(f.area, search)
arrived = st.query_params.get("village") or st.session_state.get("kept.village")
if not arrived and not search.strip():  # nothing asked for yet: open the village furthest behind
    worst = data.lagging_villages(f.area, year, 1)
    arrived = worst["village_code"].iloc[0] if not worst.empty else None
options = found["code"].tolist()
if arrived and arrived not in options and (data.region(arrived) or {}).get("level") == "village":
    options.insert(0, arrived)
if not options:
    st.info(t("village.none", lang, text=search))
    st.stop()
labels = village_view.option_labels(found, data.names(tuple(options)))
code = st.selectbox(t("village.pick", lang), options, format_func=lambda c: labels.get(c, c),
                    key=filters.page_state("village", options, arrived if arrived in options else options[0]))
filters.keep("village", code)

village = data.region(code)
parents = data.names((village["township_code"], village["county_code"]))
st.subheader(f"{village['name']} · {code}")
st.caption(t("village.where", lang, township=parents.get(village["township_code"], "—"),
             county=parents.get(village["county_code"], "—"), kind=t(f"kind.{village['kind']}", lang)))

rows = data.village_rows(code)
profile = village_view.profile(rows, cat, code, year, lang)
if profile.table.empty:
    st.info(t("village.no_targets", lang, name=village["name"], year=year))
else:
    counts = profile.counts
    for column, key in zip(st.columns(3), ("in_scope", "missed", "no_data")):
        column.metric(t(f"village.metric.{key}", lang), counts[key])
    st.markdown(f"**{t('village.targets', lang, year=year)}**")
    st.dataframe(profile.table, hide_index=True)
    widgets.chart(charts.status_matrix(profile.cells, "target", "year_text", profile.targets, profile.years,
                                       t("village.matrix_title", lang, name=village["name"]), lang),
                  f"village-{code}-statuses")
    widgets.why_panel(profile.cells.assign(region=profile.cells["year_text"]), lang, "village.why")

    titles = dict(zip(profile.cells["target_id"], profile.cells["target"]))
    target_id = st.selectbox(t("village.chart_target", lang), list(titles), format_func=titles.get,
                             key=filters.page_state("target", list(titles), next(iter(titles))))
    filters.keep("target", target_id)
    view = scorecard.trend(village_view.comparable(rows, cat, target_id, code, lang), cat, target_id, code, lang)
    widgets.chart(charts.trend(view.lines, t("village.chart_title", lang, name=village["name"], target=titles[target_id]),
                               view.unit, view.target, cat.targets[target_id].deadline, view.benchmark,
                               view.required, lang), f"village-{code}-{target_id}")

values = data.village_values(code)
st.subheader(t("village.measures", lang))
if values.empty:
    st.info(t("village.no_values", lang, name=village["name"]))
else:
    measures = village_view.measure_table(values, cat, lang)
    st.dataframe(measures, hide_index=True)
    with st.expander(t("village.sources", lang), icon=":material/source:"):
        sources = village_view.source_table(values, cat, lang)
        st.dataframe(sources, hide_index=True)
    widgets.xlsx_button(t("village.download", lang),
                        {t("village.sheet.targets", lang): profile.table, t("village.sheet.measures", lang): measures,
                         t("village.sheet.sources", lang): sources}, f"village-{code}.xlsx", "village.xlsx")
