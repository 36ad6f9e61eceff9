"""What the frame decides for every page: the view (period, filters, theme, audience); pages read it from here.

The person's role has the last word, whatever the session holds: a visitor with no access sees the sign-in page
only, and the public sees the community-safe view of the whole foundation only, even on a page run directly.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lens import View
from metrics import Filters
from ui import session

KEY = "view"


def set_view(view: View) -> None:
    """Records the view for the page about to run."""
    st.session_state[KEY] = view


def view() -> View:
    """The view the frame chose for this run, as the person's role allows it."""
    who = session.current()
    if who.role is None:
        session.sign_in_page()
        st.stop()
    if KEY not in st.session_state:
        # Run without the frame: a shared link opened first on a server started with plain `streamlit run
        # dashboard.py`, where Streamlit runs a file of pages/ on its own. Draw the frame, then run again
        # through it, on the same link.
        from ui.frame import frame

        frame()
        st.rerun()
    chosen: View = st.session_state[KEY]
    if who.public and not (chosen.community and not chosen.filters.active):
        return replace(chosen, community=True, filters=Filters())
    return chosen
