"""终期评估: a plan period whole for the selected area — every target's base, yearly values, final value and
完成情况, the counties ranked, the targets not achieved; the report as Word, HTML and CSV."""

import streamlit as st

from tracker.core.i18n import md_escape, t
from tracker.core.xlsx import xlsx_bytes
from tracker.views.final import OUTCOMES, plan_choice
from ui import data, filters, widgets

f = filters.current()
lang = f.lang
catalogue = data.catalogue()
plans = list(catalogue.plans)
plan_id = plan_choice(catalogue, filters.requested("plan"), data.last_year())
view = data.final(f.area, plan_id, lang)
st.title(md_escape(view.title))
st.caption(t("page.final.description", lang))
plan_id = st.selectbox(t("final.plan", lang), plans, format_func=lambda p: catalogue.plans[p].name(lang),
                       key=filters.page_state("plan", plans, plan_id))
filters.keep("plan", plan_id)
st.caption(t("overview.dates", lang, loaded=view.loaded_at or "—", assessed=view.assessed_at or "—"))
if not view.results:
    st.info(t("final.summary.none", lang, area=md_escape(view.area_name), plan=view.plan.name(lang)))
    filters.stop()
if not view.ended:
    st.info(t("final.running", lang, plan=view.plan.name(lang), year=view.last_year or "—", end=view.plan.end_year))
if view.reporting and view.reporting[0] < view.reporting[1]:
    st.warning(t("final.partial", lang, year=view.last_year, reported=view.reporting[0], n=view.reporting[1]))

widgets.counts([(t("final.metric.targets", lang), len(view.results)),
                *((t(f"final.outcome.{outcome}", lang), view.counts[outcome]) for outcome in OUTCOMES)])

with st.container(border=True):
    st.markdown("\n".join(f"- {md_escape(s)}" for s in view.summary()))

st.subheader(t("final.section.targets", lang))
st.dataframe(view.table(), hide_index=True)  # wide, with long texts: a grid keeps each target one line

st.subheader(t("final.section.themes", lang))
st.markdown("\n".join("- " + t("label.value", lang, label=f"**{theme}**", value=md_escape(sentence))
                       for theme, sentence in view.by_theme(catalogue)))

st.subheader(t("final.section.problems", lang))
problems = view.problems()
st.markdown("\n".join(f"- {md_escape(s)}" for s in problems) if problems else view.no_problems)

if not view.ranking.empty:
    st.subheader(t("final.ranking", lang, units=t(f"level.{view.sub_level}", lang)))
    widgets.table(view.ranking_table(), view.ranking_words())
    with widgets.folded(dict(view.appendices()).get("units", ""), "final.units") as box:
        if box.open:
            st.dataframe(view.appendix, hide_index=True)
if not view.paths.empty:
    st.subheader(dict(view.appendices())["paths"])
    widgets.table(view.paths)

widgets.download_row([
    (t("final.download_docx", lang), data.final_document("docx", f.area, plan_id, lang), f"{view.file_name}.docx",
     "final.docx"),
    (t("final.download_html", lang), data.final_document("html", f.area, plan_id, lang), f"{view.file_name}.html",
     "final.html"),
    (t("final.download_csv", lang), data.final_document("csv", f.area, plan_id, lang), f"{view.file_name}.csv",
     "final.csv"),
    (t("final.download_xlsx", lang), lambda: xlsx_bytes(view.sheets), f"{view.file_name}.xlsx", "final.xlsx")])
