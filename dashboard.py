"""The dashboard's frame: the foundation's name and logo, the filters, the data's date, and the pages."""

from __future__ import annotations

import streamlit as st

import settings
from lens import View
from ui import data, filters
from ui.context import set_view
from ui.text import plain

config = settings.load()
st.set_page_config(page_title=config.short_name, page_icon="✦", layout="wide")

if config.logo and config.logo.exists():
    st.logo(str(config.logo), size="large")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
    st.Page("pages/funding.py", title="Funding", icon=":material/payments:", url_path="funding"),
    st.Page("pages/engagement.py", title="Engagement", icon=":material/groups:", url_path="engagement"),
    st.Page("pages/science.py", title="Publications and science", icon=":material/science:", url_path="science"),
    st.Page("pages/partners.py", title="Partners", icon=":material/handshake:", url_path="partners"),
    st.Page("pages/reports.py", title="Community report", icon=":material/description:", url_path="report"),
    st.Page("pages/present.py", title="Present", icon=":material/slideshow:", url_path="present"),
]
# Staff only: never in the community-safe view's navigation.
STAFF = [st.Page("pages/data.py", title="Data", icon=":material/database:", url_path="data")]

st.sidebar.markdown(f"**{plain(config.name)}**")
years = data.years()
filters.restore_from_url(years)
community = filters.select_view()
nav = st.navigation(PAGES if community else PAGES + STAFF)
period_key, period = filters.select_period(years)
chosen = filters.select_filters()
filters.write_to_url(period_key, period, chosen, community)
st.sidebar.caption(f"{data.records_text()}. {data.as_of_text()}.")
set_view(View(period, chosen, dark=st.context.theme.type == "dark", community=community))

nav.run()
