"""目标测算: for a measure and the area, what two or three candidate targets would ask of its units — the
baseline and its spread, each unit's recent pace carried on to the deadline, who would reach each candidate at
that pace, the yearly change each would need, and the area's own chance (tracker.queries.propose)."""

import pandas as pd
import streamlit as st

from tracker.core import codes
from tracker.core.i18n import md_escape, t
from tracker.core.numbers import compared, number
from tracker.core.xlsx import xlsx_bytes
from tracker.present import charts
from tracker.queries.propose import READINGS, area_rank, default_level
from tracker.queries.propose import references as references_of
from tracker.views import propose as view
from ui import auth, data, filters, svg_drawing, widgets
from ui import drafts as drafts_panel

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
share = middle.number_input(t("propose.share", lang), 1.0, 100.0, 80.0, key="propose.share",
                            disabled=reading != "share_of_units")
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
    st.stop()
if not values:
    st.info(t("propose.enter", lang))
    st.stop()
try:
    found = data.proposals(measure_id, f.area, values, int(deadline), op, reading, float(share), level, group)
except ValueError as e:
    st.info(t("propose.nothing", lang, measure=measure.name(lang), area=area_name, reason=str(e)))
    st.stop()

unit = "%" if measure.type in ("rate", "bool") else measure.value_unit(lang)


def rise(v: float | None) -> str:
    """A yearly change: in points for a rate."""
    if v is None or pd.isna(v):
        return "—"
    return t("figure.points", lang, n=f"{v:+.1f}") if unit == "%" else number(v, unit, lang)


def said(p) -> str:
    """A candidate as the catalogue says a target: ≥ 95%."""
    return compared(op, f"{p.candidate.value:g}%" if unit == "%" else number(p.candidate.value, unit, lang))


units = t(f"level.{level}", lang)
first = found[0]
st.caption(t("propose.read", lang, n=len(first.units), units=units, year=first.base_year, deadline=int(deadline)))
summary = pd.DataFrame([{
    t("propose.col.candidate", lang): said(p),
    t("propose.col.now", lang, year=p.base_year): number(p.area_row["value"], unit if reading == "aggregate" else "%", lang),
    t("propose.col.projected", lang, deadline=int(deadline)): number(p.area_row["projected"], unit if reading == "aggregate" else "%", lang),
    t("propose.col.chance", lang): "—" if p.area_row["chance"] is None else f"{100 * p.area_row['chance']:.0f}%",
    t("propose.col.reached", lang): "—" if p.area_row["year_reached"] is None else str(int(p.area_row["year_reached"])),
    t("propose.col.reaching", lang, units=units): f"{p.reaching}/{len(p.units)}",
    t("propose.col.required", lang): rise(p.units["required_per_year"].median()),
} for p in found])
st.subheader(t("propose.side_by_side", lang))
st.dataframe(summary, hide_index=True)

province_names = data.names(tuple(sorted({r.region for r in catalogue.references.values() if r.region})))
references = view.references_frame(references_of(catalogue, measure_id, f.area), province_names, lang)
reference_lines = list(zip(references["value"], references["label"])) if reading == "aggregate" else []
widgets.chart(charts.spread(first.units["baseline"], t("propose.spread_title", lang, units=units, year=first.base_year),
                            unit, [(p.candidate.value, said(p)) for p in found], lang, reference_lines),
              f"propose-spread-{measure_id}-{f.area}", lang)
course = first.history.assign(region=area_name, status=None, hover="")
projection = pd.DataFrame([{"year": first.base_year, "value": first.area_row["value"], "low": first.area_row["value"],
                            "high": first.area_row["value"]},
                           {"year": int(deadline), "value": first.area_row["projected"], "low": first.area_row["low"],
                            "high": first.area_row["high"]}]) if first.area_row["projected"] is not None else None
widgets.chart(charts.trend(course, t("propose.course_title", lang, area=area_name), unit if reading == "aggregate" else "%",
                           first.area_row["target"], int(deadline), lang=lang, projection=projection,
                           references=references if reading == "aggregate" else None),
              f"propose-course-{measure_id}-{f.area}", lang)
if not references.empty:
    st.markdown(t("propose.references", lang) + "\n" + "\n".join(
        f"- {md_escape(row.label)}：{md_escape(row.source)}" for row in references.itertuples()))

if codes.area_level(f.area) in ("province", "city"):  # which counties would reach the first candidate
    counties = view.by_county(first, data.names(tuple(sorted(set(first.units["code"].str[:6])))))
    st.subheader(t("propose.by_county", lang, candidate=said(first), units=units))
    reach = view.reach_map(data.map_outlines(f.area), counties, units, lang)
    if reach is not None:
        svg_drawing.draw(reach, "propose.map", lang, f"propose-reach-{measure_id}-{f.area}")
        st.caption(t("propose.map.legend", lang, units=units))
    st.dataframe(counties.drop(columns="county").rename(columns={c: t(f"propose.county.{c}", lang)
                                                                 for c in ("name", "units", "reaching", "share")}),
                 hide_index=True)

columns = {c: t(f"propose.unit.{c}", lang) for c in ("code", "name", "baseline", "projected", "low", "high", "reaches",
                                                     "chance", "year_reached", "required_per_year", "recent_per_year",
                                                     "gap")}
for tab, p in zip(st.tabs([said(p) for p in found]), found):
    with tab:
        st.markdown(t("propose.furthest", lang, n=len(p.units) - p.reaching, units=units))
        shown = p.units.assign(reaches=p.units["reaches"].map({True: t("propose.yes", lang), False: t("propose.no", lang)}),
                               chance=(100 * p.units["chance"]).round(0))
        st.dataframe(shown.rename(columns=columns), hide_index=True)
widgets.download_row([(t("propose.download", lang), lambda: xlsx_bytes(
    {t("propose.side_by_side", lang)[:31]: summary, **{f"{p.candidate.value:g}": p.units.rename(columns=columns)
                                                       for p in found}}),
    t("file.propose", lang, name=area_name, measure=measure.name(lang)) + ".xlsx", "propose.xlsx")])

# drafts: a province or city office saves a candidate as a target, records its adoption, or withdraws it
drafts_panel.section(found, said, user, f.area, int(deadline), group, unit, lang)
