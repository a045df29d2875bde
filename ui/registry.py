"""Every page of the app, in menu order: script, key (for its title and description), icon."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from tracker.core.i18n import t


@dataclass(frozen=True)
class PageSpec:
    script: str
    key: str  # i18n keys page.<key>.title and page.<key>.description
    icon: str


PAGES: list[PageSpec] = [
    PageSpec("app_pages/overview.py", "overview", ":material/summarize:"),
    PageSpec("app_pages/final.py", "final", ":material/fact_check:"),
    PageSpec("app_pages/comparison.py", "comparison", ":material/leaderboard:"),
    PageSpec("app_pages/lagging_map.py", "lagging", ":material/location_on:"),
    PageSpec("app_pages/trends.py", "trends", ":material/show_chart:"),
    PageSpec("app_pages/village.py", "village", ":material/home_pin:"),
    PageSpec("app_pages/region_overview.py", "region", ":material/map:"),
    PageSpec("app_pages/catalogue.py", "catalogue", ":material/menu_book:"),
    PageSpec("app_pages/propose.py", "propose", ":material/calculate:"),
    PageSpec("app_pages/audit.py", "audit", ":material/rule:"),
    PageSpec("app_pages/rounds.py", "rounds", ":material/assignment_turned_in:"),
    PageSpec("app_pages/data_management.py", "data", ":material/upload_file:"),
]


LOADERS_ONLY = {"data"}  # pages only loader and admin roles see


def navigation(lang: str, may_load: bool = True):
    """The st.navigation of the pages this user may open, titled in `lang`; the first is the default: the page to run,
    and the pages of the menu (`menu`). A page left out cannot be reached by its URL either (Streamlit then opens the
    default page). Streamlit's own menu is hidden: ours carries the area in its links. Before sign-in it keeps a deep
    link's page for after."""
    shown = [p for p in PAGES if may_load or p.key not in LOADERS_ONLY]
    # The default page is served at / but still reserves its own url_path, so it takes a name nobody types,
    # and a hidden page under its key (/overview) sends a link to it there, parameters kept.
    pages = [st.Page(p.script, title=t(f"page.{p.key}.title", lang), icon=p.icon,
                     url_path=f"{p.key}-home" if i == 0 else p.key, default=i == 0) for i, p in enumerate(shown)]
    home = pages[0]

    def to_home() -> None:
        st.switch_page(home, query_params=st.query_params.to_dict())

    alias = st.Page(to_home, title=home.title, url_path=shown[0].key, visibility="hidden")
    return st.navigation([*pages, alias], position="hidden"), pages


def menu(where, pages: list, params: Callable[[str], dict]) -> None:
    """The menu in `where` (the sidebar, under the language): a link per page that carries the area, year and
    language and the page's own choices in its address (`params` of its url path: filters.link_params). Streamlit's
    own menu clears the URL's parameters on a click and the page wrote them back at the end of its run; under load,
    its browser side could apply its own change of address after the app's and leave the page with a bare URL (/final
    instead of /final?province=36&…: a copied link then opened elsewhere). A link that carries them changes the
    address once, complete; a page's first visit writes its own choices (mode, target …) at the end of its run."""
    with where:
        for page in pages:
            st.page_link(page, query_params=params(page.url_path), width="stretch")
