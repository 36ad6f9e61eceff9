"""How the community-safe view shows itself on a page: the banner, the refusal, and columns that hold markers."""

from __future__ import annotations

import streamlit as st

from community.rules import RULES_IN_WORDS, SMALL
from lens import View
from ui.text import plain

TITLE = "Community-safe view"
CARD_NOTE = (
    f"In the community-safe view a count of people is rounded to the nearest 5, 1 to 10 reads “{SMALL}”, and a "
    "change that would give a small count away is not shown."
)
HIDDEN_NOTE = (
    "Hidden in the community-safe view: shown, it would let a partner who asked not to be named, or a small count "
    "of people, be worked out."
)
PROFILE_UNAVAILABLE = (
    "Partner profiles are not shown in the community-safe view: it takes no partner filter, so that no partner can "
    "be singled out or subtracted from a total. The table above lists the partners who may be named, and every "
    "partner's records are counted in the totals."
)


def banner_text(view: View, records: str) -> str:
    """What the banner says: that the view is community-safe, the period, the latest record's date and the rules."""
    p = view.period
    span = f"{p.start:%-d %b %Y} to {p.end:%-d %b %Y}"
    when = span if " to " in p.label else f"{plain(p.label)}: {span}"
    return f"**{TITLE}**, for sharing in public. {when}. {records}. {RULES_IN_WORDS}"


def banner(view: View, records: str) -> None:
    """The banner under a page's title in the community-safe view; nothing in the internal view."""
    if view.community:
        st.info(banner_text(view, records), icon=":material/verified_user:")


def refused(view: View, records: str, why: str) -> None:
    """A community-safe view the rules refuse (a period that is not a calendar quarter or year, or a filter): the
    banner and the sentence why."""
    banner(view, records)
    st.warning(plain(why), icon=":material/block:")


def marker_column(community: bool, label: str | None = None, **kwargs):
    """The column_config of a column of people or money: numbers, or text once "<11" and "—" may appear in it."""
    if community:
        return st.column_config.TextColumn(label, alignment="right", **kwargs)
    return st.column_config.NumberColumn(label, **kwargs)
