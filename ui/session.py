"""Who is using the dashboard, from Streamlit's sign-in (st.login / st.user) and foundation.toml's [access].

Every write and every build checks the role here, on the server, before it runs (`require`), whatever the page
showed: a hidden button is not a check.
"""

from __future__ import annotations

import os

import streamlit as st
from streamlit import config as st_config
from streamlit import runtime
from streamlit.runtime import Runtime

import access
import settings
from access import NotAllowed, Person
from ui.text import plain


def sign_in_configured() -> bool:
    """Whether Streamlit's sign-in is set up ([auth] in .streamlit/secrets.toml); else the dashboard runs in
    local mode, for one person on their own machine."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def open_address() -> str | None:
    """The address a real Streamlit server runs this script on when it is beyond this machine (empty: every
    interface), else None. serve.py refuses such a start without sign-in; this catches the one it never saw, a plain
    `streamlit run dashboard.py --server.address 0.0.0.0`. AppTest's runtime is a stand-in, and has no address."""
    if not runtime.exists() or type(runtime.get_instance()) is not Runtime:
        return None
    address = str(st_config.get_option("server.address") or "")
    return None if access.loopback(address) else address


def current() -> Person:
    """The person using this session, and their role (everyone is the public when the server was started with
    serve.py --public-only; no one has a role in a server beyond localhost without sign-in)."""
    if os.environ.get("PARTNERSHIP_PUBLIC_ONLY"):
        return Person(None, "public")
    configured = sign_in_configured()
    if not configured and (where := open_address()) is not None:
        return Person(
            None,
            None,
            f"This dashboard is served on {where or 'every interface'} without sign-in, so it shows nothing: anyone "
            "who reached it could read every confidential partner and change the data. Start it with serve.py "
            "(make serve), which listens on this machine alone, or configure sign-in (see the README).",
        )
    logged_in, email, verified = False, None, None
    if configured:
        try:
            logged_in = bool(st.user.get("is_logged_in"))
            # The claims as the provider sent them: access.person decides what they are worth.
            email = st.user.get("email") if logged_in else None
            verified = st.user.get("email_verified") if logged_in else None
        except Exception:  # no session (a script run outside the server)
            logged_in, email, verified = False, None, None
    return access.person(
        sign_in=configured, logged_in=logged_in, email=email, email_verified=verified, access=settings.load().access
    )


def signed_in() -> str | None:
    """The e-mail of the person signed in, or None: who made a write, for the history."""
    return current().email


def allowed(action: str) -> bool:
    """Whether the person may do the action (to show or hide its button; the action itself calls require)."""
    return current().can(action)


def require(action: str) -> None:
    """Stops the run with the sentence why unless the person may do the action (see access.NEEDS)."""
    try:
        access.require(current(), action)
    except NotAllowed as why:
        st.error(plain(str(why)), icon=":material/lock:")
        st.stop()


def sidebar(who: Person) -> None:
    """Who is signed in, with a way out; or the quiet line of local mode."""
    if who.role == access.LOCAL:
        st.sidebar.caption("Local mode: not signed in.")
        return
    if who.email:
        st.sidebar.caption(plain(f"Signed in as {who.email} ({access.WORDS[who.role]})."))
        st.sidebar.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign-out")
    elif sign_in_configured():
        st.sidebar.caption("The community-safe view, open to the public.")
        st.sidebar.button("Sign in", on_click=st.login, icon=":material/login:", key="sign-in")
    else:
        st.sidebar.caption("The community-safe view, open to the public.")


def sign_in_page() -> None:
    """What a visitor without access sees: the foundation's name (under its logo) and the way in."""
    config = settings.load()
    who = current()
    _, middle, _ = st.columns([1, 2, 1])
    with middle, st.container(border=True):  # the logo is the frame's, above
        st.title(plain(config.name))
        if who.why:  # without a role: the sentence says why
            st.warning(plain(who.why), icon=":material/lock:")
            if sign_in_configured():
                st.button("Sign out", on_click=st.logout, icon=":material/logout:", key="sign-in-page-out")
            return
        st.markdown(
            "The partnership impact dashboard is for the foundation's staff and board. Sign in with your "
            "organisation's account."
        )
        st.button("Sign in", on_click=st.login, type="primary", icon=":material/login:", key="sign-in-page-in")
