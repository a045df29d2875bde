"""领导简报: the selected area's targets in a year — cards, sentences, a matrix by sub-area, changes."""

import streamlit as st

from tracker.core.i18n import md_escape, t
from tracker.core.xlsx import xlsx_bytes
from ui import data, filters, widgets

f = filters.current()
lang, year = f.lang, f.year
view = data.overview(f.area, year, lang)
name = md_escape(view.area_name)
st.title(t("overview.title", lang, area=name, year=year))
st.caption(t("overview.dates", lang, loaded=view.loaded_at or "—", assessed=view.assessed_at or "—"))
if view.partial:  # a year whose returns are still coming in: who has not reported
    st.warning(md_escape(view.partial))
if not view.cards:
    st.info(t("overview.empty", lang, area=name, year=year))
    filters.stop()

with st.container(border=True):
    st.markdown("\n".join(f"- {s}" for s in view.summary(name)))

st.subheader(t("overview.headline", lang))
st.caption(t("overview.change_legend", lang))
widgets.cards(view.headline, f.area, lang)

st.subheader(t("overview.matrix", lang, level=t(f"level.{view.sub_level}", lang)))
if view.matrix is None:
    st.info(t("overview.no_matrix", lang))
else:
    widgets.status_matrix(view.matrix)
    widgets.why_panel(view.cells, lang, "overview.why")

st.subheader(t("overview.all_targets", lang))
widgets.table(view.table, view.words())

st.subheader(t("overview.changes", lang, year=year - 1))
if view.changes.empty:
    st.info(t("overview.no_previous", lang, year=year - 1))
else:  # the targets whose verdict moved; every target beside last year is the Excel download's sheet
    if not view.moved.empty:
        widgets.table(view.moved, view.words())
    unmoved = len(view.changes) - len(view.moved)
    if unmoved:
        st.caption(t("overview.unmoved" if len(view.moved) else "overview.none_moved", lang, n=unmoved, year=year - 1,
                     sheet=t("overview.sheet.changes", lang)))

widgets.download_row([
    (t("briefing.download_docx", lang), data.document("docx", f.area, year, lang), f"{view.file_name}.docx",
     "overview.docx"),
    (t("briefing.download_html", lang), data.document("html", f.area, year, lang), f"{view.file_name}.html",
     "overview.html"),
    (t("overview.download", lang), lambda: xlsx_bytes(view.sheets), f"{view.file_name}.xlsx", "overview.xlsx")])
