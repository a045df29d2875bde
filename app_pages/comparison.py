"""县区对比: counties (a county's townships) ranked on a target, a heat matrix, chosen ones over time, peers."""

import streamlit as st

from tracker.core.i18n import t
from tracker.present import charts, scorecard
from ui import data, filters, widgets

f = filters.current()
lang, year = f.lang, f.year
cat = data.catalogue()
area = data.region(f.area)
level = "township" if f.county else "county"
units = t(f"level.{level}", lang)
st.title(t("comparison.title", lang, area=area["name"], units=units))
st.caption(t("page.comparison.description", lang))

cells = data.cells(lang, level=level, area=f.area, years=(year,))
if cells.empty:
    st.info(t("comparison.empty", lang, area=area["name"], year=year, units=units))
    st.stop()

order = [tid for tid in cat.targets if tid in set(cells["target_id"])]
titles = dict(zip(cells["target_id"], cells["target"]))
default = next((tid for tid in order if cat.targets[tid].headline), order[0])
target_id = st.selectbox(t("comparison.target", lang), order, format_func=titles.get,
                         key=filters.page_state("target", order, default))
filters.keep("target", target_id)
target = cat.targets[target_id]
chosen = cells[cells["target_id"] == target_id]

home = scorecard.card_regions(cat, f.area)[target_id]
home_rows = data.cells(lang, regions=(home,), years=(year,), target=target_id)
average = home_rows["value"].iloc[0] if not home_rows.empty and home_rows["unit"].iloc[0] == chosen["unit"].iloc[0] else None
average_label = t("comparison.average", lang, region=home_rows["region"].iloc[0]) if average is not None else ""
met = int((chosen["status"].map(scorecard.STATUS_CLASS) == "good").sum())
st.markdown(t("comparison.summary", lang, n=len(chosen), units=scorecard.unit_word(level, lang, len(chosen)), met=met,
              target=titles[target_id],
              average=home_rows["text"].iloc[0] if not home_rows.empty else "—"))
unit = chosen["unit"].iloc[0]
widgets.chart(charts.ranking(chosen, t("comparison.ranking_title", lang, target=titles[target_id], year=year), unit,
                             chosen["target_value"].iloc[0], average, average_label, lang),
              f"ranking-{target_id}-{f.area}-{year}")
ranking = chosen.sort_values("value", ascending=False)[["region_code", "region", "text", "status_label", "note"]]
ranking = ranking.rename(columns={c: t(f"comparison.col.{c}", lang) for c in ranking.columns})

st.subheader(t("comparison.matrix", lang, units=units))
regions = cells.drop_duplicates("region_code").sort_values("region_code")["region"].tolist()
widgets.chart(charts.status_matrix(cells, "target", "region", [titles[tid] for tid in order], regions,
                                   t("comparison.matrix_title", lang, area=area["name"], year=year), lang),
              f"matrix-{level}-{f.area}-{year}")
widgets.why_panel(cells, lang, "comparison.why")
widgets.xlsx_button(t("comparison.download", lang),
                    {t("comparison.sheet.ranking", lang): ranking, t("comparison.sheet.matrix", lang):
                     scorecard.matrix_table(cells, lang)}, f"comparison-{f.area}-{year}.xlsx", "comparison.xlsx")

st.subheader(t("comparison.over_time", lang))
names = dict(zip(chosen["region_code"], chosen["region"]))
worst = chosen.sort_values("value")["region_code"].tolist()[:3]
picked = st.multiselect(t("comparison.pick", lang, units=units), list(names), format_func=names.get,
                        max_selections=5, key=filters.page_state("compare", list(names), worst, multi=True, most=5))
filters.keep("compare", picked)
if picked:
    series = data.cells(lang, regions=tuple(picked), target=target_id)
    widgets.chart(charts.trend(series, t("comparison.over_time_title", lang, target=titles[target_id]), unit,
                               chosen["target_value"].iloc[0], target.deadline, lang=lang),
                  f"compare-{target_id}-{f.area}")

st.subheader(t("comparison.peers", lang))
groups = [g for g in cat.groups.values() if g.level == level and (g.region.startswith(f.area) or f.area.startswith(g.region))]
if not groups:
    st.info(t("comparison.no_peers", lang, units=units))
for group in groups:
    members = data.group_members(group.id)
    every_year = data.cells(lang, level=level, area=f.area, target=target_id)
    peers = scorecard.peer_means(every_year, members, group.name(lang),
                                 t("comparison.others", lang, units=units))
    if peers.empty:
        st.info(t("comparison.no_peer_data", lang, group=group.name(lang)))
        continue
    widgets.chart(charts.trend(peers, t("comparison.peer_title", lang, group=group.name(lang),
                                        target=titles[target_id]), unit, chosen["target_value"].iloc[0],
                               target.deadline, lang=lang), f"peers-{group.id}-{target_id}")
