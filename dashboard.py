"""The dashboard's frame: the foundation's name and logo, the period, the data's date, and the pages."""

from __future__ import annotations

import streamlit as st

import settings
from ui import data, period

config = settings.load()
st.set_page_config(page_title=config.short_name, page_icon="✦", layout="wide")

if config.logo and config.logo.exists():
    st.logo(str(config.logo), size="large")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
]
nav = st.navigation(PAGES)

st.sidebar.markdown(f"**{config.name}**")
st.session_state["period"] = period.select(data.years())
st.sidebar.caption(data.as_of_text())

nav.run()
