"""地区概况: the selected area's counties on an offline map, with township and village counts."""

import streamlit as st

from tracker.core import codes
from tracker.core.i18n import t
from tracker.views.region import region_view
from ui import data, filters, svg_drawing, widgets

f = filters.current()
lang = f.lang
area = data.region(f.area, lang)
st.title(f"{area['name']} · {t('page.region.title', lang)}")
st.caption(t("page.region.description", lang))

totals = data.area_totals(f.area)
metrics = [("cities", "city"), ("counties", "county"), ("townships", "township"),
           ("village_committees", "village_committee"), ("residents_committees", "residents_committee")]
shown = [(label, key) for label, key in metrics if totals.get(key)]
widgets.counts([(t(f"region.metric.{label}", lang), f"{totals[key]:,}") for label, key in shown])

level = codes.area_level(f.area)
town_points = data.points(f.area, "township") if level == "county" else None
view = region_view(data.map_outlines(f.area), data.area_units(f.area), town_points, f.area, lang)

units_word = {"nation": "provinces", "county": "townships"}.get(level, "counties")
st.subheader(t(f"region.map.title_{units_word}", lang))
if view.map is not None:
    svg_drawing.draw(view.map, "region.map", lang, f"region-{f.area}")
    st.caption(view.legend)
st.caption(t("region.map.synthetic", lang))
if view.fallback_note:
    st.info(view.fallback_note)

st.subheader(t(f"region.table.title_{units_word}", lang))
if view.table.empty:
    st.info(t("empty.no_units", lang))
else:
    widgets.table(view.table, view.words)
