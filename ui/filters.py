"""The shared filters: language, province → city → county, year; mirrored into the URL.

The selection lives in st.session_state and is written to the URL (with each page's choices, in one message at the
end of every run: url_written_once; a page stops with stop(), not st.stop()), with codes rather than names, so a URL
reproduces a view in either language:
?province=36&city=3611&county=361127&year=2024&lang=en. The years are those with results (the catalogue's
current plan before any). A new session seeds its state from
the URL once; values that are not valid options fall back to the default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import RerunException

from tracker.core import codes
from tracker.core.clock import today
from tracker.core.i18n import DEFAULT_LANG, LANGS, t
from ui import data

ALL = ""  # the option that means the whole parent area (as the province: the whole country, codes.NATION)
COMPLETE = 0.5  # a year opens by default once at least this share of counties has reported in it
LANG_NAMES = {"zh": "中文", "en": "English"}
URL_KEYS = ("province", "city", "county", "year", "lang")


@dataclass(frozen=True)
class Filters:
    lang: str
    province: str
    city: str
    county: str
    year: int
    default_year: int  # the year a link without ?year= opens (left out of the URL)

    @property
    def area(self) -> str:
        """The code of the selected area: the county, else the city, else the province, else the whole country
        (codes.NATION)."""
        return self.county or self.city or self.province


def _seed_from_url() -> None:
    """Copy the URL's filter values into the session state, once per session (and after switch_page)."""
    if st.session_state.get("_filters_seeded"):
        return
    for key in URL_KEYS:
        if key in st.query_params:
            value = st.query_params[key]
            if key == "province" and value == codes.NATION_WORD:  # a URL without ?province opens on the default
                value = ALL
            st.session_state[key] = int(value) if key == "year" and value.isdigit() else value
    village = st.query_params.get("village", "")
    if not any(key in st.query_params for key in ("province", "city", "county")) and \
            village.isdigit() and len(village) == codes.CODE_LENGTH["village"]:
        # a link to a village alone (/village?village=...) opens in its own province, city and county
        for level in ("province", "city", "county"):
            st.session_state[level] = codes.ancestor_of(village, level)
    st.session_state["_filters_seeded"] = True


def _valid(key: str, options: Sequence, default) -> None:
    """Make the session value of `key` one of `options` (a stale or typed-in value resets)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


def _reset(*keys: str) -> None:
    for key in keys:
        st.session_state[key] = ALL


def _select(label: str, key: str, options: list, format_func: Callable, default,
            on_change: Callable | None = None, args: tuple = ()):
    _valid(key, options, default)
    return st.sidebar.selectbox(label, options, format_func=format_func, key=key,
                                on_change=on_change, args=args)


def language_switch() -> str:
    """The language picker at the top of the sidebar; returns 'zh' or 'en'."""
    _seed_from_url()
    _valid("lang", LANGS, DEFAULT_LANG)
    lang = st.sidebar.segmented_control(t("lang.label"), LANGS, required=True,
                                        format_func=LANG_NAMES.get, key="lang")
    return lang or DEFAULT_LANG


def sidebar(lang: str, scope: str = "") -> Filters:
    """Draw the area cascade and the year in the sidebar, mirror them into the URL.

    The cascade starts at the user's scope: a city's staff pick among its counties, a county's staff
    have their county fixed; a URL naming anything outside the scope falls back to it.
    """
    st.sidebar.subheader(t("filter.header", lang))
    everything = t("filter.all", lang)
    level = codes.level_of(scope) if scope else None
    if level is not None and level != "province":
        st.sidebar.caption(t("filter.scope", lang, area=data.region(scope)["name"]))
    if level in (None, "province"):
        provinces = dict(data.children(None))  # a province's staff see their own alone
        # opens on the first province whose targets the catalogue holds (a store of every province opens on one
        # that has targets, not on 北京 by its code); with everything of a store of several provinces in view, the
        # whole country comes first
        default = next((p for p in data.catalogue().provinces() if p in provinces), next(iter(provinces)))
        options = [ALL, *provinces] if level is None and len(provinces) > 1 else list(provinces)
        nation = t("area.nation", lang)
        province = _select(t("filter.province", lang), "province", options, lambda c: provinces.get(c, nation),
                           default, _reset, ("city", "county"))
    else:
        province = st.session_state["province"] = scope[:2]
    if level in (None, "province") and province:
        cities = dict(data.children(province))
        city = _select(t("filter.city", lang), "city", [ALL, *cities],
                       lambda c: cities.get(c, everything), ALL, _reset, ("county",))
    elif level is None:  # the whole country: no city to pick
        city = st.session_state["city"] = ALL
    else:
        city = st.session_state["city"] = scope[:4]
    county = ALL
    if level == "county":
        county = st.session_state["county"] = scope
    elif city:
        counties = dict(data.children(city))
        county = _select(t("filter.county", lang), "county", [ALL, *counties],
                         lambda c: counties.get(c, everything), ALL)
    years, default_year = year_options()
    year = _select(t("filter.year", lang), "year", years, str, default_year)
    if int(year) not in {y for y, _ in data.years()}:  # the year being reported, no return in yet
        st.sidebar.caption(t("filter.no_returns_yet", lang, year=year))
    filters = Filters(lang, province, city, county, int(year), default_year)
    st.session_state["filters"] = filters
    _mirror_to_url(filters)
    return filters


def year_options() -> tuple[list[int], int]:
    """The years to pick from (those with results, and the year being reported now once its plan has begun, though
    no return has arrived) and the one to open on: the latest that most counties have reported (a year just
    begun, with a few returns in, is picked by hand). With no results yet, the years of the catalogue's current
    plan and the one before it, opening on last year."""
    found = data.years()
    if not found:
        first, plan = data.plans_in_view()
        return list(range(first.base_year, plan.end_year + 1)), max(plan.base_year, min(plan.end_year, today().year - 1))
    complete = [year for year, share in found if share >= COMPLETE]
    years = [year for year, _ in found]
    reporting = data.catalogue().reporting_year(today().year)
    if reporting is not None and reporting > years[-1]:
        years.append(reporting)
    return years, (complete or [found[-1][0]])[-1]


def url_params(filters: Filters) -> dict[str, str]:
    """The query parameters that reproduce `filters` (defaults left out)."""
    params = {"province": filters.province or codes.NATION_WORD, "city": filters.city, "county": filters.county,
              "year": str(filters.year) if filters.year != filters.default_year else "",
              "lang": filters.lang if filters.lang != DEFAULT_LANG else ""}
    return {k: v for k, v in params.items() if v}


def _mirror_to_url(filters: Filters) -> None:
    """Write the shared filters into the URL, leaving the page's own parameters alone."""
    wanted = url_params(filters)
    for key in URL_KEYS:
        _set_url(key, wanted.get(key))


URL_CHANGES = "_url.changes"  # the session key of this run's changes to the URL (url_written_once)
PAGE_CHOICES = "_url.pages"  # each page's own URL parameters as its last run in this session wrote them


@contextmanager
def url_written_once() -> Iterator[None]:
    """Around a run: its changes to the URL (the shared filters', the page's choices) are written together at its end,
    or where the page stops (stop()). Each write is a message that makes the browser redraw the app: one message
    instead of one per parameter (a page arrived at from the menu has the area already, registry.menu, and writes its
    own choices). A run ended by st.rerun or st.switch_page writes nothing; the run that follows writes its own."""
    st.session_state[URL_CHANGES] = {}
    try:
        yield
    except RerunException:
        st.session_state.pop(URL_CHANGES, None)
        raise
    finally:
        _write_url()


def stop() -> None:
    """Stop the page here (st.stop), this run's URL written first: once a run is stopped, nothing it sends reaches
    the browser."""
    _write_url()
    st.stop()


def _set_url(key: str, value: str | list[str] | None) -> None:
    """Set (None: remove) a URL parameter, written at the end of the run (url_written_once, around every page)."""
    st.session_state[URL_CHANGES][key] = value


def _write_url() -> None:
    """Write this run's changes to the URL in one message, if they change it."""
    changes = st.session_state.pop(URL_CHANGES, None)
    if not changes:
        return
    now = {key: st.query_params.get_all(key) for key in st.query_params}
    wanted = dict(now)
    for key, value in changes.items():
        if value is None:
            wanted.pop(key, None)
        else:
            wanted[key] = value if isinstance(value, list) else [value]
    if page := st.session_state.get("_page"):  # the page's own choices, for its link in the menu (link_params)
        st.session_state.setdefault(PAGE_CHOICES, {})[page] = {k: v for k, v in wanted.items() if k not in URL_KEYS}
    if wanted != now:
        st.query_params.from_dict(wanted)


def link_params(filters: Filters, page: str) -> dict[str, str | list[str]]:
    """The URL parameters of the menu's link to `page` (its url path; registry.menu): the area, year and language,
    and the page's own choices as its last run in this session left them (a page visited again opens as it was left,
    its address complete from the click: the page then writes nothing)."""
    return {**url_params(filters), **st.session_state.get(PAGE_CHOICES, {}).get(page, {})}


def arrive(page: str) -> None:
    """Before `page` (its url path) runs: on arriving from another page, forget that page's widget values (page.*).
    Pages share widget keys (page.target on four of them), but a widget on another page is another widget to
    Streamlit, which would not take the old one's value and would show its first option beside a view built for the
    old value; forgotten, the new page's widgets are seeded from the URL or the session's choice (page_state)."""
    if st.session_state.get("_page") != page:
        for key in [k for k in st.session_state if k.startswith("page.")]:
            del st.session_state[key]
        st.session_state["_page"] = page


def page_state(key: str, options: Sequence, default, multi: bool = False, most: int | None = None) -> str:
    """The session key for a page widget, seeded on arrival from the URL (?key=...), else from the value
    this session last chose, else `default`; a value that is no longer an option falls back.

    Pass the returned key to the widget and call `keep(key, value)` after it, so the URL follows.
    """
    widget_key = f"page.{key}"
    by_text = {str(o): o for o in options}
    if widget_key not in st.session_state:  # first run of this page since the user arrived on it
        if multi:
            chosen = [by_text[v] for v in st.query_params.get_all(key) if v in by_text]
        else:
            chosen = by_text.get(st.query_params.get(key, ""))
        st.session_state[widget_key] = chosen or st.session_state.get(f"kept.{key}", default)
    if multi:
        kept = [v for v in st.session_state[widget_key] if v in by_text.values()][:most]
        st.session_state[widget_key] = kept or [v for v in default if v in by_text.values()][:most]
    elif st.session_state[widget_key] not in by_text.values():
        st.session_state[widget_key] = default
    return widget_key


def requested(key: str, multi: bool = False):
    """What the page's widget `key` asks for before it is drawn: this run's widget value, else the URL's
    (?key=...), else this session's last choice; None (or []) when nothing was asked. The view model
    checks it against its options, and page_state() then seeds the widget with the view's choice."""
    widget_key = f"page.{key}"
    if widget_key in st.session_state:
        return st.session_state[widget_key]
    if multi:
        return st.query_params.get_all(key) or st.session_state.get(f"kept.{key}", [])
    return st.query_params.get(key) or st.session_state.get(f"kept.{key}")


def keep(key: str, value) -> None:
    """Remember a page's choice for this session and write it into the URL (lists as repeated keys)."""
    st.session_state[f"kept.{key}"] = value
    if value is None or value == "" or value == []:
        _set_url(key, None)
    else:
        _set_url(key, [str(v) for v in value] if isinstance(value, (list, tuple)) else str(value))


def switch_page(page: str, query_params: dict[str, str]) -> None:
    """Go to `page` now, its URL carrying `query_params`. Streamlit clears every widget's state when a script
    switches page, the sidebar's area, year and language among them: they are read again from that URL."""
    st.session_state["_filters_seeded"] = False
    st.switch_page(page, query_params=query_params)


def current() -> Filters:
    """The filters drawn by app.py for this run (pages call this)."""
    return st.session_state["filters"]
