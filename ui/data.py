"""The one caching boundary between Streamlit and the core (ARCHITECTURE.md, step 7).

The store reader is a cache_resource; every query result is a cache_data entry keyed by the
query's name, the store version (so a new publish is seen at once) and every argument; a view that makes
a choice is also found by the request naming that choice (_chosen).
"""

from __future__ import annotations

from datetime import datetime, timezone

import functools
import io
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec, TypeVar

import pandas as pd
import streamlit as st

from etl.build import known_regions
from etl.template import write_template
from tracker.core import assess, drafts, rounds, settings, store
from tracker.core import audit as audit_rules
from tracker.core.catalogue import Catalogue, load_catalogue
from tracker.core.catalogue import catalogue_version as files_version
from tracker.core.i18n import md_escape, t
from tracker.core.xlsx import xlsx_streamed
from tracker.queries import dashboard, findings, geography, provenance
from tracker.views import audit as audit_view
from tracker.views import catalogue as catalogue_view
from tracker.views import comparison as comparison_view
from tracker.views import final as final_view
from tracker.views import lagging as lagging_view
from tracker.views import overview as overview_view
from tracker.views import propose as propose_view
from tracker.views import trends as trends_view
from tracker.views import village as village_view

P = ParamSpec("P")
R = TypeVar("R")


@st.cache_resource
def _reader(path: str) -> store.StoreReader:
    return store.StoreReader(Path(path))


def reader() -> store.StoreReader:
    """The process-wide read-only view of the published store (one per store path)."""
    return _reader(str(settings.current().db))


@st.cache_resource(show_spinner=False)
def _catalogue(path: str, edited: str, store_version: str | None) -> Catalogue:
    if store_version is None:  # no store yet (first start): check against the reference geography
        return load_catalogue(path, regions=known_regions())
    return load_catalogue(path, regions=store.region_codes(reader().cursor()))


def catalogue() -> Catalogue:
    """The checked catalogue, read again when indicators.yaml, a province file beside it or the store changes;
    CatalogueError if broken.

    Region codes are checked against the store the app reads (its geography is what pages show)."""
    path = settings.current().catalogue
    version = reader().version if settings.current().db.exists() else None
    return _catalogue(str(path), catalogue_version(), version)


def catalogue_version() -> str:
    """Which catalogue files, as of when (a cache keyed by it follows an edit, or another file)."""
    return files_version(settings.current().catalogue)


def scope() -> str:
    """The signed-in user's region scope ('' for everything), set by ui.auth.current_user."""
    found = st.session_state.get("auth.scope")
    if found is None:  # never query without a scope (an assert would vanish under `python -O`)
        raise RuntimeError("no signed-in user: queries run only after ui.auth.current_user")
    return found


def user_name() -> str | None:
    """The signed-in user's name (their own batches' rows that name no region are theirs to see)."""
    user = st.session_state.get("auth.user")
    return getattr(user, "name", None)


@st.cache_data(show_spinner=False, max_entries=512)
def _run(name: str, version: str, region_scope: str, user: str | None, *args, **kwargs):
    return QUERIES[name](reader().cursor(region_scope, user), *args, **kwargs)


QUERIES: dict[str, Callable] = {}


def query(fn: Callable[..., R], per_user: bool = False) -> Callable[..., R]:
    """Wrap a core query `fn(con, *args)` as a cached `fn(*args)` that runs inside the user's scope: its
    connection holds only the rows of the user's region (tracker/core/sql/scoped.sql), and the cache is keyed
    by that scope — and by the user, for a query whose rows depend on who asks (`per_user`)."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    QUERIES[name] = fn

    @functools.wraps(fn)
    def call(*args, **kwargs):
        return _run(name, reader().version, scope(), user_name() if per_user else None, *args, **kwargs)

    return call


_region = query(geography.region)
_names = query(geography.names)


def region(code: str, lang: str = "zh") -> dict | None:
    """A region's row for display: its name escaped for markdown (a name loaded from a file shows as
    text in titles and captions, never as a link or an image); the whole country named in `lang`."""
    found = _region(code, lang)
    return None if found is None else {**found, "name": md_escape(found["name"])}


def names(codes: tuple[str, ...]) -> dict[str, str]:
    """{code: name} for display (markdown-escaped, as region())."""
    return {code: md_escape(name) for code, name in _names(codes).items()}


children = query(geography.children)
area_units = query(geography.area_units)
area_totals = query(geography.area_totals)
map_outlines = query(geography.map_outlines)
points = query(geography.points)
is_demo = query(store.is_demo)
batches = query(provenance.batches)
batch_rejects = query(provenance.batch_rejects, per_user=True)  # a loader sees their own codeless rows
batch_reject_count = query(provenance.batch_reject_count, per_user=True)


def batch_rejects_xlsx(batch_id: int, lang: str) -> bytes:
    """Every rejected row of a batch as Excel, read and written a chunk at a time (made when its button is clicked,
    not cached: a file of a million rejections would be held in memory for nothing)."""
    from tracker.present.reasons import rejects_table

    con, cat = reader().cursor(scope(), user_name()), catalogue()
    chunks = (rejects_table(chunk, lang, cat) for chunk in provenance.batch_reject_chunks(con, batch_id))
    return xlsx_streamed(t("data.sheet.rejected", lang), list(rejects_table(pd.DataFrame(), lang, cat).columns), chunks)
value_sources = query(provenance.value_sources)
village_targets = query(dashboard.village_targets)
find_villages = query(dashboard.find_villages)
lagging_villages = query(assess.lagging_villages)


def _view_key() -> tuple[str, str, str]:
    """What every composite cache below is keyed by besides its arguments: store version, catalogue version,
    the user's scope."""
    return reader().version, catalogue_version(), scope()


VIEWS: dict[str, Callable] = {"overview": overview_view.build, "comparison": comparison_view.build,
                              "trends": trends_view.build, "lagging": lagging_view.build, "village": village_view.build,
                              "final": final_view.build, "audit": audit_view.build, "propose": propose_view.build,
                              "catalogue": catalogue_view.build}


@st.cache_data(show_spinner=False, max_entries=64)
def _view(version: str, catalogue_version: str, region_scope: str, name: str, *args):
    return VIEWS[name](reader().cursor(region_scope), catalogue(), *args)


# A view asked with a choice left open (no target picked yet) makes it: the first headline target, the units furthest
# behind. The page's next run asks with that choice named (its widget now holds it) — on opening a panel, or on coming
# back to the page — and would build the same view again under the new request. So a view with choices is cached under
# the request that built it, and the request with its choices named is sent there (a dict of requests, per process).
_ANSWERED: dict[tuple, tuple] = {}
ANSWERED_MOST = 4096  # requests remembered; forgotten all at once beyond (a forgotten one is built once more)


def _chosen(named: Callable[[object], tuple | None], name: str, *args):
    """The view `name` of `args`, cached under the request that first built it; `named(view)` is the request with the
    view's choices named, in the order of `args` (None when the view says something of the request itself, which
    the named one would not: it then answers only its own)."""
    key = _view_key()
    asked = (*key, name, *args)
    view = _view(*_ANSWERED.get(asked, asked))
    request = None if view is None else named(view)
    if request is not None:
        answered = (*key, name, *request)
        if answered != asked:
            if len(_ANSWERED) >= ANSWERED_MOST:
                _ANSWERED.clear()
            _ANSWERED.setdefault(answered, asked)
    return view


def overview(area: str, year: int, lang: str) -> overview_view.Overview:
    """The 领导简报 view model (tracker.views.overview), cached per store, catalogue and scope."""
    return _view(*_view_key(), "overview", area, year, lang)


def comparison(area: str, year: int, lang: str, target_id: str | None, picked: tuple[str, ...]):
    """The 县区对比 view model (tracker.views.comparison)."""
    return _chosen(lambda v: (area, year, lang, v.target_id, tuple(v.picked)), "comparison", area, year, lang,
                   target_id, picked)


def trends(area: str, year: int, lang: str, target_id: str | None, picked: tuple[str, ...]):
    """The 趋势 view model (tracker.views.trends)."""
    # a target asked for that has no figures yet is said so above the view of another: that view is the request's own
    return _chosen(lambda v: None if v.no_figures else (area, year, lang, v.target_id, tuple(v.picked)), "trends",
                   area, year, lang, target_id, picked)


def village(code: str, year: int, lang: str, target_id: str | None):
    """The 村庄档案 view model (tracker.views.village); None when the user's store has no such village."""
    return _chosen(lambda v: (code, year, lang, v.target_id), "village", code, year, lang, target_id)


def propose(measure_id: str, area: str, values: tuple[float, ...], deadline: int, op: str, reading: str,
            share: float, level: str | None, group: str | None, lang: str) -> propose_view.Propose:
    """The 目标测算 view model (tracker.views.propose), cached per store, catalogue and scope."""
    return _view(*_view_key(), "propose", measure_id, area, values, deadline, op, reading, share, level, group, lang)


def lagging(area: str, year: int, lang: str, mode: str, target_id: str | None, k: int):
    """The 落后村地图 view model (tracker.views.lagging), cached with its figure and size."""
    return _chosen(lambda v: (area, year, lang, mode, v.target_id, k), "lagging", area, year, lang, mode, target_id, k)


def catalogue_sections(group_by: str, plan: str, search: str, lang: str) -> list[catalogue_view.Section]:
    """The 指标目录 page's sections (tracker.views.catalogue)."""
    return _view(*_view_key(), "catalogue", group_by, plan, search, lang)


def final(area: str, plan_id: str, lang: str) -> final_view.Final:
    """The 终期评估 view model (tracker.views.final)."""
    return _view(*_view_key(), "final", area, plan_id, lang)


last_year = query(dashboard.last_year)
finding_history = query(findings.history)
township_median = query(findings.township_median)


def audit(area: str, year: int, lang: str, shown: str, rule: str | None) -> audit_view.Audit:
    """The 数据审核 view model (tracker.views.audit)."""
    return _view(*_view_key(), "audit", area, year, lang, shown, rule)


def act_on_findings(answers: list[tuple[int, str]], action: str, user: str, confirmed: bool = False) -> int:
    """Record an action on findings, each with its note, and publish it in one write (tracker.core.audit.review:
    what counts recomputed with it when it changes). Returns how many it applied to; ReviewRefused says why not."""
    with store.writing(settings.current().db) as con:
        return audit_rules.review(con, catalogue(), answers, action, user, confirmed)

years = query(dashboard.years)
round_states = query(rounds.states)
round_townships = query(rounds.township_states)
round_list = query(rounds.rounds)
round_missing = query(rounds.missing_villages)
round_history = query(rounds.history)


def rounds_overdue() -> bool:
    """Whether a round's deadline passed since the value rules last ran over its counties: asked once an hour of each
    published version (the store's date turns on an hour: its time zone is a whole number of hours from UTC)."""
    return _rounds_overdue(reader().version, datetime.now(timezone.utc).strftime("%Y-%m-%d %H"))


@st.cache_data(show_spinner=False, max_entries=4)
def _rounds_overdue(version: str, hour: str) -> bool:
    return bool(rounds.overdue(reader().cursor()))


def sweep_rounds() -> None:
    """Run the value rules over the counties of the rounds whose deadline passed, in one write (tracker.core.rounds
    .sweep): their villages without a return are now due."""
    with store.writing(settings.current().db) as con:
        rounds.sweep(con, catalogue())


def act_on_round(act, *args) -> None:
    """An act of the reporting round (tracker.core.rounds: open_round, submit, approve, return_submission), published
    in one write; RoundRefused says why not."""
    with store.writing(settings.current().db) as con:
        act(con, *args)


def change_drafts(act: str, *args) -> Catalogue:
    """Save, adopt or withdraw a draft target (tracker.core.drafts) as the signed-in user, checked against the
    store's geography; the next read of the catalogue sees the file as written. DraftRefused names what is wrong."""
    action = {"save": drafts.save_draft, "adopt": drafts.adopt, "withdraw": drafts.withdraw}[act]
    return action(catalogue(), *args, user_name() or "open", regions=store.region_codes(reader().cursor()))


def subtitle(year: int, lang: str) -> str:
    """The sidebar's subtitle: the plan the year shown belongs to, and whether its targets are being monitored or
    have had their final assessment ("“十五五”时期（2026—2030年）目标进展监测")."""
    plans = sorted(catalogue().plans.values(), key=lambda p: p.start_year)
    plan = next((p for p in reversed(plans) if p.start_year <= year <= p.end_year), plans[-1])
    ended = (last_year() or 0) >= plan.end_year
    return t("app.subtitle", lang, plan=plan.name(lang), stage=t(f"app.subtitle.{'final' if ended else 'running'}", lang))


def plans_in_view():
    """(the plan before the current one, the current one): the catalogue's plan running this year (else the
    latest begun) and its predecessor — the years an empty store offers."""
    from tracker.core.clock import today

    plans = sorted(catalogue().plans.values(), key=lambda p: p.start_year)
    begun = [p for p in plans if p.start_year <= today().year] or plans
    current = len(begun) - 1
    return begun[max(current - 1, 0)], begun[current]


@st.cache_data(show_spinner=False, max_entries=16)
def _final_document(version: str, catalogue_version: str, region_scope: str, kind: str, area: str, plan_id: str,
                    lang: str) -> bytes:
    from tracker.documents import (
        final_report,  # python-docx only when a download needs it
    )

    found = _view(version, catalogue_version, region_scope, "final", area, plan_id, lang)
    if kind == "docx":
        buffer = io.BytesIO()
        final_report.write_docx(found, catalogue(), buffer)
        return buffer.getvalue()
    if kind == "csv":
        return final_report.csv_bytes(found)
    return final_report.write_html(found, catalogue()).encode("utf-8")


def final_document(kind: str, area: str, plan_id: str, lang: str) -> Callable[[], bytes]:
    """A function writing the final assessment as docx / html / csv (the files the command line writes)."""
    key = _view_key()
    return lambda: _final_document(*key, kind, area, plan_id, lang)


@st.cache_data(show_spinner=False, max_entries=16)
def _document(version: str, catalogue_version: str, region_scope: str, kind: str, area: str, year: int, k: int,
              lang: str) -> bytes:
    # imported here: the writers bring matplotlib and python-docx, which only a download needs
    from tracker.documents.briefing import build
    from tracker.documents.briefing_docx import write_docx
    from tracker.documents.briefing_html import write_html
    from tracker.documents.worklist import write_worklist

    con, buffer = reader().cursor(region_scope), io.BytesIO()
    if kind == "worklist":
        write_worklist(con, catalogue(), area, year, k, buffer, lang)
        return buffer.getvalue()
    found = build(con, catalogue(), area, year, lang, view=_view(version, catalogue_version, region_scope, "overview",
                                                                 area, year, lang))
    if kind == "docx":
        write_docx(found, buffer)
        return buffer.getvalue()
    return write_html(found).encode("utf-8")


def document(kind: str, area: str, year: int, lang: str, k: int = 1) -> Callable[[], bytes]:
    """A function that writes a document of this view (briefing docx/html, or the worklist xlsx) — the
    same file the command line writes; given to a download button, it runs only when clicked."""
    key = _view_key()  # taken now: the file is of the data and scope this page shows
    return lambda: _document(*key, kind, area, year, k, lang)


@st.cache_data(show_spinner=False, max_entries=64)
def _template_bytes(catalogue_version: str, region: str, year: int) -> bytes:
    buffer = io.BytesIO()
    write_template(buffer, region=region, year=year, catalogue=catalogue())
    return buffer.getvalue()


def template_bytes(region: str, year: int) -> bytes:
    """The return form prefilled for a region and year, as .xlsx bytes (cached per catalogue)."""
    return _template_bytes(catalogue_version(), region, year)


def store_is_open() -> bool:
    """Whether the store may be shown with no users configured: demo data, or no statistics loaded yet (asked of each
    published version once: every run asks)."""
    return _store_is_open(reader().version)


@st.cache_data(show_spinner=False, max_entries=4)
def _store_is_open(version: str) -> bool:
    con = reader().cursor()
    return store.is_demo(con) or not provenance.has_loaded_data(con)


def assessment_is_current() -> bool:
    """Whether the published assessment comes from the catalogue the app runs with: asked once of each published
    version and catalogue version (a reassessment publishes a new version, an edit of the catalogue changes its)."""
    return _assessment_is_current(reader().version, catalogue_version())


@st.cache_data(show_spinner=False, max_entries=4)
def _assessment_is_current(version: str, catalogue_id: str) -> bool:
    return assess.is_current(reader().cursor(), catalogue())
