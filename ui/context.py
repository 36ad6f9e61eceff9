"""What the frame decides for every page: the view (period, filters, theme, audience); pages read it from here."""

from __future__ import annotations

import streamlit as st

from lens import View

KEY = "view"


def set_view(view: View) -> None:
    """Records the view for the page about to run."""
    st.session_state[KEY] = view


def view() -> View:
    """The view the frame chose for this run."""
    return st.session_state[KEY]
