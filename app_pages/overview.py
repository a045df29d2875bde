"""领导简报: the selected area's targets in a year — cards, sentences, a matrix by sub-area, changes."""

import streamlit as st

from tracker.core.i18n import t
from tracker.present import charts, scorecard
from ui import data, filters, widgets

LAGGING_K = 3  # "villages missing three or more targets", the count the briefing quotes

f = filters.current()
lang, year = f.lang, f.year
cat = data.catalogue()
area = data.region(f.area)
st.title(t("overview.title", lang, area=area["name"], year=year))
dates = data.data_dates()
st.caption(t("overview.dates", lang, loaded=dates["loaded_at"] or "—", assessed=dates["assessed_at"] or "—"))

regions = tuple(sorted(set(scorecard.card_regions(cat, f.area).values())))
rows = data.assessment_rows(regions=regions, years=(year - 1, year))
all_cards = scorecard.cards(rows, cat, f.area, year, lang)
if not all_cards:
    st.info(t("overview.empty", lang, area=area["name"], year=year))
    st.stop()

lagging = data.lagging_villages(f.area, year, LAGGING_K)
previous = scorecard.previous_statuses(rows, all_cards, year)
with st.container(border=True):
    st.markdown("\n".join(f"- {s}" for s in scorecard.summary_sentences(
        all_cards, previous, area["name"], year, len(lagging), LAGGING_K, lang)))

st.subheader(t("overview.headline", lang))
shown = scorecard.headline_cards(all_cards)
for start in range(0, len(shown), 4):
    for column, c in zip(st.columns(4), shown[start:start + 4]):
        with column:
            widgets.card(c, f.area, lang)

st.subheader(t("overview.matrix", lang, level=t(f"level.{scorecard.sub_level(f.area)}", lang)))
cells = data.cells(lang, level=scorecard.sub_level(f.area), area=f.area, years=(year,))
cells = cells[cells["target_id"].isin({c.target_id for c in all_cards})]
if cells.empty:
    st.info(t("overview.no_matrix", lang))
else:
    targets = [c.title for c in all_cards if c.title in set(cells["target"])]
    sub_areas = cells.drop_duplicates("region_code").sort_values("region_code")["region"].tolist()
    widgets.chart(charts.status_matrix(cells, "target", "region", targets, sub_areas,
                                       t("overview.matrix_title", lang, area=area["name"], year=year), lang),
                  f"matrix-{f.area}-{year}")
    widgets.why_panel(cells, lang, "overview.why")

st.subheader(t("overview.all_targets", lang))
table = scorecard.card_table(all_cards, lang)
st.dataframe(table, hide_index=True)

st.subheader(t("overview.changes", lang, year=year - 1))
moved = scorecard.changes(rows, cat, all_cards, year, lang)
if moved.empty:
    st.info(t("overview.no_previous", lang, year=year - 1))
else:
    st.dataframe(moved, hide_index=True)

sheets = {t("overview.sheet.targets", lang): table, t("overview.sheet.changes", lang): moved}
if not cells.empty:
    sheets[t("overview.sheet.matrix", lang)] = scorecard.matrix_table(cells, lang)
name = t("file.briefing", lang, name=data.names((f.area,))[f.area], year=year)
word, page, tables = st.columns(3)
with word:
    widgets.file_button(t("briefing.download_docx", lang), data.document("docx", f.area, year, lang),
                        f"{name}.docx", widgets.DOCX,
                        "overview.docx")
with page:
    widgets.file_button(t("briefing.download_html", lang), data.document("html", f.area, year, lang),
                        f"{name}.html", "text/html",
                        "overview.html")
with tables:
    widgets.xlsx_button(t("overview.download", lang), sheets, f"briefing-{f.area}-{year}.xlsx", "overview.xlsx")
