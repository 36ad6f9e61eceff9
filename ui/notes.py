"""The story behind the numbers on a page: staff notes on metrics, and events marked on time charts.

The notes and events come through the page's lens: in the community-safe view only public ones, confidential
partners' names removed, and the forms that write them are hidden. The charts mark the events themselves
(charts/context.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import streamlit as st

from charts.context import KIND_WORDS
from lens import Lens
from metrics import CATALOGUE, Period
from store import notes as store
from ui import data, session
from ui.text import plain


def _flash(key: str) -> None:
    message = st.session_state.pop(f"{key}-flash", None)
    if message:
        st.toast(message, icon=":material/check_circle:")


def _span(start: date, end: date) -> str:
    label = Period(start, end).label
    if " to " in label or len(label) > 12:
        return label
    return f"{label} ({start:%-d %b %Y} to {end:%-d %b %Y})"


def _note(note: store.Note, key: str, read_only: bool) -> None:
    metric = CATALOGUE.get(note.metric_id)
    with st.container(border=True):
        with st.container(horizontal=True, vertical_alignment="center", gap="small"):
            st.markdown(f"**{plain(metric.label if metric else note.metric_id)}** · {_span(note.start, note.end)}")
            if note.public:
                st.badge("Public", icon=":material/public:", color="green")
            else:
                st.badge("Private", icon=":material/lock:", color="gray")
        st.markdown(plain(note.text))
        byline = f"{note.author or 'Unsigned'} · added {note.created_at:%-d %b %Y}"
        if read_only:
            st.caption(plain(byline))
            return
        with st.container(horizontal=True, vertical_alignment="center"):
            st.caption(plain(byline))
            if st.button("Delete", key=f"{key}-delete-{note.note_id}", icon=":material/delete:", type="tertiary"):
                session.require("write")
                store.delete_note(data.db_path(), note.note_id, by=session.signed_in())
                st.session_state[f"{key}-flash"] = "Note deleted."
                st.rerun()


def _note_form(lens: Lens, metric_ids: Sequence[str], key: str) -> None:
    view = lens.view
    with (
        st.expander("Add a note", icon=":material/edit_note:"),
        st.form(f"{key}-form", clear_on_submit=True, border=False),
    ):
        metric_id = st.selectbox(
            "Metric", list(metric_ids), format_func=lambda m: CATALOGUE[m].label, key=f"{key}-metric"
        )
        dates = st.date_input(
            "For the period", value=(view.period.start, view.period.end), format="DD/MM/YYYY", key=f"{key}-dates"
        )
        text = st.text_area(
            "Note",
            max_chars=store.MAX_TEXT,
            placeholder="What the number alone does not say: a grant that arrived late, a partner that paused…",
            key=f"{key}-text",
        )
        left, right = st.columns(2, vertical_alignment="bottom")
        author = left.text_input("Your name (optional)", max_chars=store.MAX_AUTHOR, key=f"{key}-author")
        public = right.checkbox(
            "Public",
            key=f"{key}-public",
            help="Public notes appear in the community-safe view and the community report; private ones only here.",
        )
        if st.form_submit_button("Add the note", icon=":material/add:", key=f"{key}-submit"):
            try:
                if not isinstance(dates, tuple) or len(dates) != 2:
                    raise ValueError("Choose the period's first and last day.")
                session.require("write")
                store.add_note(
                    data.db_path(), metric_id, dates[0], dates[1], text, public, author, by=session.signed_in()
                )
            except ValueError as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                st.session_state[f"{key}-flash"] = "Note added."
                st.rerun()


def notes_block(lens: Lens, metric_ids: Sequence[str], *, key: str = "notes", title: str = "Notes") -> None:
    """The notes on these metrics for the view's period, and (outside the community view, for those who may write)
    a form to add one."""
    _flash(key)
    st.subheader(title)
    shown = lens.notes(metric_ids)
    if not shown:
        st.caption(f"No notes on these numbers for {lens.view.period.label}.")
    read_only = lens.community or not session.allowed("write")
    for note in shown:
        _note(note, key, read_only)
    if not read_only:
        _note_form(lens, metric_ids, key)


def _event_form(lens: Lens, key: str) -> None:
    first, last = lens.view.periods[0].start, lens.view.period.end
    with st.form(f"{key}-form", clear_on_submit=True, border=False):
        left, middle, right = st.columns([1, 2, 1])
        day = left.date_input("Date", value=min(last, date.today()), format="DD/MM/YYYY", key=f"{key}-date")
        label = middle.text_input(
            "What happened",
            max_chars=store.MAX_LABEL,
            placeholder="Approval of…, a new partner, a retreat",
            key=f"{key}-label",
        )
        kind = right.selectbox("Kind", store.KINDS, format_func=KIND_WORDS.get, key=f"{key}-kind")
        public = st.checkbox("Public", key=f"{key}-public", help="Public events also show in the community-safe view.")
        if st.form_submit_button("Add the event", icon=":material/add:", key=f"{key}-submit"):
            try:
                session.require("write")
                store.add_annotation(data.db_path(), day, label, kind, public, by=session.signed_in())
            except ValueError as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                shown = first <= day <= last
                st.session_state[f"{key}-flash"] = "Event added." + (
                    ""
                    if shown
                    else f" It falls outside {first:%-d %b %Y} to {last:%-d %b %Y}, so this chart leaves it out."
                )
                st.rerun()


def events_block(lens: Lens, *, key: str = "events") -> None:
    """Under a time chart: an "Add an event" expander with the form and the events it marks (not in the
    community view, where only the markers of public events show)."""
    _flash(key)
    if lens.community or not session.allowed("write"):
        return
    with st.expander("Add an event", icon=":material/flag:"):
        st.caption(
            "An event that explains a curve: a drug approval, a new partner, a retreat. It is marked on the chart."
        )
        _event_form(lens, key)
        for event in lens.events():
            with st.container(horizontal=True, vertical_alignment="center"):
                st.markdown(
                    f"{event.date:%-d %b %Y} · **{plain(event.label)}** · {KIND_WORDS[event.kind]}"
                    + ("" if event.public else " · private")
                )
                if st.button(
                    "Delete", key=f"{key}-delete-{event.annotation_id}", icon=":material/delete:", type="tertiary"
                ):
                    session.require("write")
                    store.delete_annotation(data.db_path(), event.annotation_id, by=session.signed_in())
                    st.session_state[f"{key}-flash"] = "Event deleted."
                    st.rerun()
