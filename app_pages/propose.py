"""目标测算: for a measure and the area, what two or three candidate targets would ask of its units — the
baseline and its spread, each unit's recent pace carried on to the deadline, who would reach each candidate at
that pace, the yearly change each would need, and the area's own chance (tracker.queries.propose)."""

import streamlit as st

from tracker.core import codes
from tracker.core.i18n import md_escape, t
from tracker.core.xlsx import xlsx_bytes
from tracker.queries.propose import READINGS, area_rank, default_level
from ui import auth, data, filters, svg_drawing, widgets
from ui import drafts as drafts_panel

SHARE = 80.0  # the share of units a share-of-units candidate asks for, until the user says another

f = filters.current()
lang = f.lang
user = auth.current_user(lang)
catalogue = data.catalogue()
area_name = data.region(f.area, lang)["name"]  # escaped for markdown
st.title(t("propose.title", lang, area=area_name))
st.caption(t("page.propose.description", lang))

rank = area_rank(f.area)
measures = [m for m in catalogue.measures.values() if m.type in ("rate", "number", "money", "count", "bool")
            and any(codes.LEVELS.index(lv) > rank for lv in m.levels)]
ids = [m.id for m in measures]
default = "tap_water_rate" if "tap_water_rate" in ids else ids[0]
measure_id = st.selectbox(t("propose.measure", lang), ids, format_func=lambda m: catalogue.measures[m].name(lang),
                          key=filters.page_state("measure", ids, default))
filters.keep("measure", measure_id)
measure = catalogue.measures[measure_id]
plan = data.plans_in_view()[1]
left, middle, right = st.columns(3)
text = left.text_input(t("propose.values", lang), value="95, 97" if measure_id == "tap_water_rate" else "",
                       key="propose.values", help=t("propose.values_help", lang))
op = middle.selectbox(t("propose.op", lang), [">=", ">", "<=", "<"], key="propose.op")
deadline = right.number_input(t("propose.deadline", lang), min_value=plan.start_year, max_value=plan.end_year + 10,
                              value=plan.end_year, step=1, key="propose.deadline")
left, middle, right = st.columns(3)
reading = left.selectbox(t("propose.reading", lang), READINGS, format_func=lambda r: t(f"propose.reading.{r}", lang),
                         key="propose.reading")
# the share of units asked for, only where the reading is one (a field that does nothing is not shown)
share = middle.number_input(t("propose.share", lang), 1.0, 100.0, SHARE, key="propose.share") \
    if reading == "share_of_units" else SHARE
levels = [lv for lv in measure.levels if codes.LEVELS.index(lv) > rank]
level = right.selectbox(t("propose.level", lang), levels, index=levels.index(default_level(measure, f.area)),
                        format_func=lambda lv: t(f"level.{lv}", lang), key="propose.level")
groups = [None, *(g.id for g in catalogue.groups.values()
                  if g.level == level and (g.region.startswith(f.area) or f.area.startswith(g.region)))]
group = st.selectbox(t("propose.group", lang), groups, key="propose.group",
                     format_func=lambda g: t("propose.all_units", lang) if g is None else catalogue.groups[g].name(lang))

try:
    values = tuple(dict.fromkeys(float(v) for v in text.replace("，", ",").split(",") if v.strip()))[:3]
except ValueError:
    st.error(t("propose.bad_values", lang, text=text))
    filters.stop()
if not values:
    st.info(t("propose.enter", lang))
    filters.stop()
try:
    shown = data.propose(measure_id, f.area, values, int(deadline), op, reading, float(share), level, group, lang)
except ValueError as e:
    st.info(t("propose.nothing", lang, measure=measure.name(lang), area=area_name, reason=str(e)))
    filters.stop()

found, units = shown.proposals, shown.units
first = found[0]
st.caption(t("propose.read", lang, n=len(first.units), units=units, year=first.base_year, deadline=int(deadline)))
st.subheader(t("propose.side_by_side", lang))
widgets.table(shown.summary)
widgets.chart(shown.spread, f"propose-spread-{measure_id}-{f.area}", lang)
widgets.chart(shown.course, f"propose-course-{measure_id}-{f.area}", lang)
if not shown.references.empty:
    st.markdown(t("propose.references", lang) + "\n" + "\n".join(
        f"- {md_escape(row.label)}：{md_escape(row.source)}" for row in shown.references.itertuples()))

if shown.counties is not None:  # a province's or city's: which counties would reach the first candidate
    st.subheader(t("propose.by_county", lang, candidate=shown.labels[0], units=units))
    if shown.reach is not None:
        svg_drawing.draw(shown.reach, "propose.map", lang, f"propose-reach-{measure_id}-{f.area}")
        st.caption(t("propose.map.legend", lang, units=units))
    widgets.table(shown.counties)

# each candidate's units in a tab, built only while its panel is open and the tab shown (a city's 2,500 villages a
# table): the page first says what each candidate asks; who lies furthest is a click away
with widgets.folded(t("propose.units_panel", lang, units=units), "propose.units.open") as box:
    if box.open:
        for tab, p, table in zip(st.tabs(shown.labels, key="propose.tab", on_change="rerun"), found, shown.unit_tables):
            with tab:
                if not tab.open:
                    continue
                st.markdown(t("propose.furthest", lang, n=len(p.units) - p.reaching, units=units))
                st.dataframe(table, hide_index=True)
widgets.download_row([(t("propose.download", lang), lambda: xlsx_bytes(
    {t("propose.side_by_side", lang)[:31]: shown.summary,
     **{f"{p.candidate.value:g}": table for p, table in zip(found, shown.unit_tables)}}),
    t("file.propose", lang, name=area_name, measure=measure.name(lang)) + ".xlsx", "propose.xlsx")])

# drafts: a province or city office saves a candidate as a target, records its adoption, or withdraws it
drafts_panel.section(found, shown.labels, user, f.area, int(deadline), group, shown.unit, lang)
