"""The dashboard's frame: the foundation's name and logo, the filters, the data's date, and the pages.

dashboard.py runs it on every run; a page run without it (a shared link opened first on a server started with
plain `streamlit run dashboard.py`, where Streamlit runs a file of pages/ on its own) runs it too, then reruns
through it (ui/context.py).
"""

from __future__ import annotations

import gc

import streamlit as st

import settings
from lens import View
from metrics import Filters
from ui import blocks, data, filters, navigation, session  # noqa: F401 (blocks: the charts' libraries, pre-freeze)
from ui.chosen import set_view
from ui.text import plain


def _freeze_libraries() -> None:
    """Streamlit collects garbage after every run of the script (runner.postScriptGC), and a full collection walks
    every object of every library imported (some 130,000 of them: Plotly's classes, pandas, Streamlit itself):
    about 0.12 s after every click, holding the lock the server needs to send the page. Once the libraries the pages
    use are imported (here, when the dashboard first starts), their objects are moved out of the collector's way
    (gc.freeze): they live as long as the process anyway, and what the runs make is still collected."""
    gc.collect()
    gc.freeze()


_freeze_libraries()


NAV = "nav"  # the sidebar's links to the pages (CSS class st-key-nav)


def pages() -> dict[str, st.Page]:
    """Every page of the navigation (ui/navigation.py) as Streamlit's page, by its file."""
    return {
        page.path: st.Page(
            page.path, title=page.title, icon=page.icon, default=page is navigation.DEFAULT, url_path=page.url_path
        )
        for page in navigation.PAGES
    }


def frame():
    """Draws the frame (logo, sidebar, filters) for this run, records the view, and returns the navigation to
    run: a visitor with no access gets the sign-in page alone."""
    try:
        config = settings.load()
    except ValueError as problem:  # foundation.toml is read at every page view: a mistake made in it shows here
        st.error(plain(str(problem)), icon=":material/error:")
        st.stop()
    st.set_page_config(page_title=config.short_name, page_icon="✦", layout="wide")
    if config.logo and config.logo.exists():
        st.logo(str(config.logo), size="large")
    every = pages()

    # Who is here decides what they see: each person's navigation holds only their pages (rebuilt on every run).
    who = session.current()
    if who.role is None:  # sign-in is configured and this visitor has no access: the sign-in page only
        return st.navigation(
            [st.Page(session.sign_in_page, title="Sign in", icon=":material/login:")], position="hidden"
        )

    # The pages' links, at the top of the sidebar; drawn once the filters are known, since each link carries them.
    links = st.sidebar.container(key=NAV)
    st.sidebar.markdown(f"**{plain(config.name)}**")
    session.sidebar(who)
    years = data.years()
    filters.restore_from_url(years)
    # The public sees the community-safe view only: no switch, and no filters (the community-safe rules take none).
    community = True if who.public else filters.select_view()
    shown = [every[page.path] for page in navigation.seen_by(who.role, community)]
    nav = st.navigation(shown, position="hidden")
    period_key, period = filters.select_period(years, last_record=data.facts()["last_date"])
    compare = filters.select_compare(period)
    chosen = Filters() if who.public else filters.select_filters()
    link = filters.write_to_url(period_key, period, chosen, community, compare)
    with links:
        # Streamlit's own navigation opens a page with whatever its browser copy of the link holds, sometimes
        # nothing, and the filters then came back in a second entry of the browser's history (two presses of Back).
        # A link that names its parameters opens the page with them, in one entry.
        for page in shown:
            st.page_link(page, query_params=link)
    st.sidebar.caption(f"{data.records_text()}. {data.as_of_text()}.")
    set_view(View(period, chosen, dark=st.context.theme.type == "dark", community=community, compare=compare))
    return nav
