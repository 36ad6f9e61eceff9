"""The view the frame chose for the page about to run, kept in the session: ui/frame.py records it, ui/context.py
reads it."""

from __future__ import annotations

import streamlit as st

from lens import View

KEY = "view"


def set_view(view: View) -> None:
    """Records the view for the page about to run."""
    st.session_state[KEY] = view


def recorded() -> View | None:
    """The view the frame recorded in this session, None before it has run."""
    return st.session_state.get(KEY)
