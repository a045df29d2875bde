"""乡村振兴目标监测 — the router: page config, first-run build, shared filters, page registry."""

from __future__ import annotations

import streamlit as st

from etl.build import reassess
from etl.demo import build_demo
from tracker.core import settings
from tracker.core.catalogue import CatalogueError
from tracker.core.i18n import t
from ui import auth, data, filters, registry

st.set_page_config(page_title="乡村振兴目标监测", page_icon="🌾", layout="wide")

auth.finish_sign_out()  # before any widget: a sign-out forgets the whole session
lang = filters.language_switch()

try:
    data.catalogue()
except CatalogueError as e:  # never start on a broken catalogue: name every problem
    st.error(t("catalogue.broken", lang, n=len(e.problems)))
    st.code("\n".join(e.problems), language=None)
    st.stop()

db = settings.current().db
if not db.exists():
    # First start: build the demo store instead of failing. Two sessions starting at once may both
    # build; the second publish replaces the first with the same content (same seed), which is harmless.
    with st.status(t("first_run.title", lang), expanded=True) as status:
        bar = st.progress(0.0)
        build_demo(db, progress=lambda f, step: bar.progress(min(f, 1.0), text=t(f"first_run.step.{step}", lang)))
        status.update(label=t("first_run.done", lang), state="complete", expanded=False)

if not data.assessment_is_current():
    # indicators.yaml was edited (or the store predates the assessment): recompute before any page reads
    with st.status(t("assessment.stale", lang)) as status:
        reassess(db)
        status.update(label=t("assessment.done", lang), state="complete", expanded=False)

if data.rounds_overdue():  # a round's deadline passed: its villages without a return are due (数据审核)
    data.sweep_rounds()

user = auth.current_user(lang)  # with users configured, nothing below runs before sign-in
if data.is_demo():
    st.badge(t("demo.badge", lang), icon=":material/science:", color="orange", help=t("demo.help", lang))
menu = st.sidebar.container()  # the pages' links, once the area is chosen (registry.menu)
st.sidebar.title(t("app.title", lang))
subtitle = st.sidebar.empty()  # the plan of the year shown, once the year is chosen
auth.sidebar(user, lang)
with filters.url_written_once():
    chosen = filters.sidebar(lang, user.scope)
    subtitle.caption(data.subtitle(chosen.year, lang))
    page, pages = registry.navigation(lang, user.may_load)
    registry.menu(menu, pages, lambda url_path: filters.link_params(chosen, url_path))
    filters.arrive(page.url_path)
    page.run()
