"""报送进度: the year's reporting round in the area — each county's state (未报送 / 部分报送 / 已报送待审核 / 已退回 /
审核通过, and 超期), on a map and in a table with its counts, days to the deadline and rates; the county's 报送, the
review one level up; the 催报 list of villages that have sent nothing, as Excel and as text to paste; every act
(tracker.core.rounds)."""

from datetime import date

import pandas as pd
import streamlit as st

from tracker.core import codes, rounds
from tracker.core.audit import MAX_NOTE
from tracker.core.clock import beijing_column, today
from tracker.core.i18n import md_escape, t
from tracker.core.xlsx import xlsx_bytes
from tracker.views import rounds as view
from ui import auth, data, filters, svg_drawing, widgets

f = filters.current()
lang, year = f.lang, f.year
user = auth.current_user(lang)
catalogue = data.catalogue()
area_name = data.region(f.area, lang)["name"]
now = today()
st.title(t("rounds.title", lang, area=area_name, year=year))
st.caption(t("page.rounds.description", lang))


def refused(e: rounds.RoundRefused) -> None:
    """The refusal in the reader's words (a state and a level by their names)."""
    values = dict(e.values)
    if "state" in values:
        values["state"] = t(f"rounds.state.{values['state']}", lang)
    if "level" in values:
        values["level"] = t(f"rounds.level.{values['level']}", lang)
    st.error(t(e.key, lang, **values))


held = data.round_list(year, f.area)
if user.may_lead(f.area):
    mine = next((r for r in held if r.region_code == f.area), None)
    with st.expander(t("rounds.open.change" if mine else "rounds.open.title", lang, year=year), expanded=not held):
        with st.form("rounds.open"):
            deadline = st.date_input(t("rounds.open.deadline", lang),
                                     mine.deadline if mine else date(year + 1, 1, 31), key="rounds.deadline")
            towns_by = st.date_input(t("rounds.open.township_deadline", lang), mine.township_deadline if mine else None,
                                     key="rounds.township_deadline")
            offered = [m for m in catalogue.measures if "village" in catalogue.measures[m].levels]
            measures = st.multiselect(t("rounds.open.measures", lang), offered,
                                      list(mine.measures) if mine else rounds.default_measures(catalogue, year),
                                      format_func=lambda m: catalogue.measures[m].name(lang), key="rounds.measures")
            levels = ["city", "province"] if codes.area_level(f.area) == "city" else ["province", "city"]
            reviewer = st.selectbox(t("rounds.open.reviewer", lang), levels, key="rounds.reviewer",
                                    format_func=lambda lv: t(f"rounds.level.{lv}", lang))
            if st.form_submit_button(t("rounds.open.button", lang), type="primary"):
                try:
                    data.act_on_round(rounds.open_round, user, year, f.area, deadline, measures, reviewer, towns_by)
                    st.rerun()
                except rounds.RoundRefused as e:
                    refused(e)
if not held:
    st.info(t("rounds.none", lang, year=year, area=area_name))
    filters.stop()

for r in held:
    office = data.region(r.region_code, lang)  # an office above a county user's scope: its code
    st.caption(t("rounds.about", lang, region=office["name"] if office else r.region_code, year=year,
                 deadline=r.deadline.isoformat(), n=len(r.measures), who=md_escape(r.opened_by or "—"),
                 reviewer=t(f"rounds.level.{r.reviewer_level}", lang))
               + (t("rounds.about.townships", lang, deadline=r.township_deadline.isoformat()) if r.township_deadline
                  else ""))
found = data.round_states(year, f.area, now)
if found.empty:
    st.info(t("rounds.no_counties", lang))
    filters.stop()
approved, counties = rounds.signed_off(found)
counts = found["state"].value_counts()
for column, key in zip(st.columns(len(rounds.STATES) + 1), (*rounds.STATES, "late")):
    column.metric(t(f"rounds.state.{key}", lang), int(found["late"].sum()) if key == "late" else int(counts.get(key, 0)))

st.subheader(t("rounds.by_county", lang))
if codes.area_level(f.area) in ("province", "city"):
    states = view.state_map(data.map_outlines(f.area), found, lang)
    if states is not None:
        svg_drawing.draw(states, "rounds.map", lang, f"rounds-{f.area}")
        st.caption(view.legend(lang))
rank_by = st.radio(t("rounds.rank_by", lang), view.RATES, horizontal=True, key="rounds.rank_by",
                   format_func=lambda r: t(f"rounds.rank.{r}", lang), help=t("rounds.rates_help", lang))
st.dataframe(view.county_table(found, lang, rank_by), hide_index=True)

st.subheader(t("rounds.by_township", lang))
names = dict(zip(found["region_code"], found["region_name"]))
county_towns = found["region_code"].iloc[0] if len(found) == 1 else st.selectbox(
    t("rounds.township_county", lang), found["region_code"].tolist(), format_func=names.get, key="rounds.towns_of")
st.dataframe(view.township_table(data.round_townships(year, county_towns, now), lang), hide_index=True)

# the acts on one county: its clerk's 报送, the review one level up
actable = [c for c in found["region_code"] if user.may_explain(c) or user.may_review(c)]
if actable:
    st.subheader(t("rounds.act", lang))
    county = st.selectbox(t("rounds.act.county", lang), actable, format_func=names.get, key="rounds.county")
    row = found.set_index("region_code").loc[county]
    st.markdown(view.state_sentence(row, lang))
    note = st.text_area(t("rounds.act.note", lang), key=f"rounds.note.{county}", max_chars=MAX_NOTE)
    buttons = st.columns(3)
    acts = [("submit", rounds.submit, user.may_explain(county) and row["state"] in rounds.SUBMITTABLE),
            ("approve", rounds.approve, user.may_review(county) and row["state"] == "submitted"),
            ("return", rounds.return_submission, user.may_review(county) and row["state"] == "submitted")]
    for column, (key, fn, shown) in zip(buttons, acts):
        if shown and column.button(t(f"rounds.act.{key}", lang), key=f"rounds.{key}.{county}",
                                   type="primary" if key != "return" else "secondary"):
            try:
                data.act_on_round(fn, user, year, county, note, now, *([catalogue] if key == "submit" else []))
                st.rerun()
            except rounds.RoundRefused as e:
                refused(e)

st.subheader(t("rounds.remind", lang))
missing = data.round_missing(year, f.area)
if missing.empty:
    st.success(t("rounds.remind.none", lang))
else:
    st.markdown(t("rounds.remind.count", lang, n=len(missing), counties=missing["county"].nunique()))
    st.code(view.reminder_text(found, missing, lang), language=None, wrap_lines=True)
    table = missing.rename(columns={c: t(f"rounds.remind.col.{c}", lang) for c in missing.columns})
    st.dataframe(table, hide_index=True)
    widgets.download_row([(t("rounds.remind.download", lang), lambda: xlsx_bytes({t("rounds.remind", lang)[:31]: table}),
                           t("file.remind", lang, name=area_name, year=year) + ".xlsx", "rounds.remind.xlsx")])

with st.expander(t("rounds.history", lang)):
    acts = data.round_history(year, f.area)
    acts = acts.assign(acted_at=beijing_column(acts["acted_at"]),
                       act=[t(f"rounds.act_word.{a}", lang) for a in acts["act"]])
    st.dataframe(pd.DataFrame({t(f"rounds.history.{c}", lang): acts[c]
                               for c in ("acted_at", "region_name", "act", "user_name", "note")}), hide_index=True)
