"""The Data page's Access section, for admins: who may sign in with which role, and how to change it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import access
import settings
from ui import session
from ui.text import plain

WHAT = {
    "viewers": "Every page, the internal view, read-only (the board, leadership).",
    "editors": "Plus the Data page, notes, events, targets and report builds (staff).",
    "admins": "Plus putting the data back to an earlier write, this list, and the reports by e-mail.",
}


def frame(config: settings.Access) -> pd.DataFrame:
    """One row per role: who has it (addresses and @domains) and what it may do."""
    return pd.DataFrame(
        [
            {"role": role.capitalize(), "who": ", ".join(getattr(config, role)) or "nobody", "may": WHAT[role]}
            for role in ("viewers", "editors", "admins")
        ]
    )


def section() -> None:
    """The access list as foundation.toml sets it, and whether the public sees the community-safe view."""
    session.require("manage_access")
    config = settings.load()
    who = session.current()
    if who.role == access.LOCAL:
        st.info(
            "Local mode: sign-in is not configured, so this dashboard serves only this machine, and whoever uses it "
            "may do everything. Configure sign-in (see the README) to serve it to others; this list then decides "
            "who may do what.",
            icon=":material/info:",
        )
    st.markdown(
        "Who may sign in, and with which role. A person has the highest role whose list names their e-mail "
        "address or its domain (`@lumen.org`), when the identity provider vouches for that address "
        "(`email_verified`); anyone else who signs in is told why they have no role."
    )
    if config.access.trust_unverified_email:
        st.warning(
            "`trust_unverified_email` is on: an address the identity provider sends without saying it is confirmed "
            "still gives its role, so anyone who can set that address at the provider gets it.",
            icon=":material/warning:",
        )
    st.table(
        frame(config.access).map(plain).rename(columns={"role": "Role", "who": "Who", "may": "May"}),
        hide_index=True,
        border="horizontal",
    )
    st.markdown(
        "**The public** (visitors who are not signed in): "
        + (
            "see the community-safe view of the whole foundation, and nothing else."
            if config.access.public
            else "see only the sign-in page."
        )
    )
    st.caption(
        "The list lives in `foundation.toml` under `[access]` (`viewers`, `editors`, `admins`, `public`, "
        "`trust_unverified_email`), kept with the foundation's other settings; edit it there: it applies at each "
        "person's next page view."
    )
