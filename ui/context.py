"""What the frame decides for every page: the view (period, filters, theme, audience); pages read it from here.

The person's role has the last word, whatever the session holds: a visitor with no access sees the sign-in page
only, and the public sees the community-safe view of the whole foundation only, even on a page run directly.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lens import View
from metrics import Filters
from ui import chosen, session
from ui.frame import frame


def view() -> View:
    """The view the frame chose for this run, as the person's role allows it."""
    who = session.current()
    if who.role is None:
        session.sign_in_page()
        st.stop()
    if chosen.recorded() is None:
        # Run without the frame: a shared link opened first on a server started with plain `streamlit run
        # dashboard.py`, where Streamlit runs a file of pages/ on its own. Draw the frame, then run again
        # through it, on the same link.
        frame()
        st.rerun()
    picked: View = chosen.recorded()
    if who.public and not (picked.community and not picked.filters.active):
        return replace(picked, community=True, filters=Filters())
    return picked
