"""数据审核: what the plausibility rules found in the area's returns for the year — by county and rule, then
each finding with its value, last year's and the comparison; a loader explains it or marks it 待更正, a
reviewer one level up accepts or returns it, every action kept with who and when. Viewers see counts only."""

import streamlit as st

from etl.returns import Refused
from tracker.core.audit import ACTION_FROM, MAX_NOTE, ReviewRefused
from tracker.core.i18n import md_escape, t
from tracker.core.xlsx import xlsx_bytes
from tracker.views.audit import COUNTED, SHOWN, answers, detail, history_table, rules_table
from ui import auth, data, filters, widgets
from ui.load_report import answer_frame

MAX_ANSWER_BYTES = 5 * 1024 * 1024  # an answered findings workbook: read only when no larger than this
MAX_ANSWER_ROWS = 20_000
MOST_PICKED = 1_000  # findings offered to pick one from, in the table's order (the whole country has ~20,000)

f = filters.current()
lang, year = f.lang, f.year
user = auth.current_user(lang)
catalogue = data.catalogue()
shown = st.session_state.get("page.audit_shown", "waiting")
rules = [None, *catalogue.audit]
rule = st.session_state.get("page.audit_rule")
view = data.audit(f.area, year, lang, shown if shown in SHOWN else "waiting", rule if rule in rules else None)
st.title(t("audit.title", lang, area=md_escape(view.area_name), year=year))
st.caption(t("page.audit.description", lang))
# the header counts what each choice of the table lists
widgets.counts([(t(f"audit.shown.{key}", lang), view.shown_counts[key]) for key in COUNTED])

st.subheader(t("audit.by_county", lang))
if view.by_county.empty:
    st.info(t("audit.none_open", lang, year=year))
else:
    widgets.table(view.by_county.reset_index(), [view.by_county.index.name])
with widgets.folded(t("audit.rules", lang), "audit.rules", icon=":material/rule:") as box:
    if box.open:
        st.dataframe(rules_table(catalogue, lang), hide_index=True)
if not user.may_load:  # viewers see how many, not the villages' figures
    st.caption(t("audit.viewer_note", lang))
    filters.stop()

left, right = st.columns(2)
left.selectbox(t("audit.shown", lang), list(SHOWN), format_func=lambda s: t(f"audit.shown.{s}", lang),
               key="page.audit_shown")
right.selectbox(t("audit.rule", lang), rules, key="page.audit_rule",
                format_func=lambda r: t("audit.all_rules", lang) if r is None else view.rule_names.get(r, r))
st.subheader(t("audit.list", lang, n=len(view.rows)))
st.dataframe(view.table, hide_index=True)
widgets.file_button(t("audit.download", lang), lambda: xlsx_bytes({t("audit.sheet", lang): view.table}),
                    f"{view.file_name}.xlsx", widgets.XLSX, "audit.xlsx")

if not view.rows.empty:
    rows = {int(r["finding_id"]): r for r in view.rows.head(MOST_PICKED).to_dict("records")}
    if len(view.rows) > MOST_PICKED:
        st.caption(t("audit.pick_first", lang, n=f"{MOST_PICKED:,}", total=f"{len(view.rows):,}"))
    picked = st.selectbox(t("audit.pick", lang), list(rows), key="page.audit_finding",
                          format_func=lambda i: f"{rows[i]['region_name']} · {rows[i]['year']} · "
                                                f"{view.rule_names.get(rows[i]['rule_id'], rows[i]['rule_id'])}")
    row = rows[picked]
    with st.container(border=True):
        st.markdown(t("label.value", lang, label=f"**{md_escape(row['region_name'])}** ({row['region_code']})",
                      value=md_escape(row["message"])))
        median = data.township_median(row["region_code"], row["measure_id"], int(row["year"]))
        st.markdown("\n".join("- " + t("label.value", lang, label=k, value=md_escape(v))
                               for k, v in detail(catalogue, row, lang, median).items()))
        history = data.finding_history(picked)
        if not history.empty:
            st.caption(t("audit.history", lang))
            st.dataframe(history_table(history, lang), hide_index=True)
        note = st.text_area(t("audit.note", lang), key=f"audit.note.{picked}", max_chars=MAX_NOTE,
                            placeholder=t("audit.note_example", lang))
        buttons = st.columns(4)
        actions = [(a, buttons[i]) for i, a in enumerate(("explain", "to_correct")) if user.may_explain(row["region_code"])]
        if user.may_review(row["region_code"]):
            actions += [(a, buttons[2 + i]) for i, a in enumerate(("accept", "return")) if row["state"] in ACTION_FROM[a]]
        confirmed = any(a == "accept" for a, _ in actions) and st.checkbox(t("audit.accept_confirm", lang),
                                                                           key=f"audit.confirm.{picked}")
        for action, column in actions:
            if column.button(t(f"audit.action.{action}", lang), key=f"audit.{action}.{picked}"):
                if action in ("explain", "return") and not note.strip():
                    st.error(t("audit.note_needed", lang))
                    continue
                try:
                    data.act_on_findings([(picked, note)], action, user.name, confirmed)
                except ReviewRefused as e:
                    st.error(t(e.key, lang, **e.values))
                    continue
                st.success(t(f"audit.done.{action}", lang))
                st.rerun()

    # explanations from a filled-in workbook, many at once: its uploader built once the panel is opened
    with widgets.folded(t("audit.answer", lang), "audit.answer.open", icon=":material/upload_file:") as box:
        if box.open:
            st.caption(t("audit.answer_note", lang))
            answered = st.file_uploader(t("audit.answer_file", lang), type=["xlsx"], key="audit.answer")
            if answered is not None:
                if answered.size > MAX_ANSWER_BYTES:
                    st.error(t("audit.answer_too_big", lang, name=answered.name, mb=MAX_ANSWER_BYTES // 1024 // 1024))
                else:
                    try:  # read as every return is: size and extent checked, in a bounded child process
                        frame = answer_frame(answered.getvalue(), answered.name, MAX_ANSWER_ROWS + 2)
                    except Refused as e:  # a broken or hostile workbook says so; the page goes on
                        st.error(t(e.key, lang, **e.values))
                        frame = None
                    if frame is not None and len(frame) > MAX_ANSWER_ROWS:
                        st.error(t("audit.answer_rows", lang, name=answered.name, rows=MAX_ANSWER_ROWS))
                    elif frame is not None:
                        try:
                            mine = answers(frame, set(rows), lambda i: user.may_explain(rows[i]["region_code"]), lang)
                        except ValueError as e:
                            st.error(t("label.value", lang, label=answered.name, value=str(e)))
                            mine = []
                        st.write(t("audit.answer_found", lang, n=len(mine), total=len(frame)))
                        if mine and st.button(t("audit.answer_apply", lang), key="audit.answer_apply"):
                            applied = data.act_on_findings(mine, "explain", user.name)
                            st.success(t("audit.answer_done", lang, n=applied))
