"""The story behind the numbers on a page: staff notes on metrics, and events marked on time charts.

In the community-safe view only public notes and events show, confidential partners' names removed, and the
forms that write them are hidden.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from charts.theme import OKABE_ITO
from community import redact
from metrics import CATALOGUE, Period
from store import database
from store import notes as store
from ui import data
from ui.context import View

KIND_COLOURS = {"approval": OKABE_ITO[2], "partner": OKABE_ITO[4], "event": OKABE_ITO[5], "other": OKABE_ITO[7]}
KIND_WORDS = {"approval": "Approval", "partner": "New partner", "event": "Event", "other": "Other"}
LABEL_SHOWN = 32  # longer event labels are cut on the chart and shown whole on hover
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: str) -> str:
    """Plain text as Streamlit markdown that shows it exactly: no formatting, links or formulas; lines kept."""
    return "  \n".join(_MARKDOWN.sub(r"\\\1", line) for line in text.splitlines())


@st.cache_data(show_spinner=False, max_entries=256)
def _notes(path: str, version: tuple | None, metric_ids: tuple[str, ...], period: Period) -> list[store.Note]:
    """Cached because every rerun of a page shows the same notes; keyed by the file's version, so a new note shows."""
    with database.read(path) as con:
        return store.notes_for(con, metric_ids, period)


@st.cache_data(show_spinner=False, max_entries=256)
def _events(path: str, version: tuple | None, start: date, end: date) -> list[store.Annotation]:
    """Cached because every rerun draws the same events; keyed by the file's version, so a new event shows."""
    with database.read(path) as con:
        return store.annotations_in(con, start, end)


def _names(view: View) -> tuple[str, ...]:
    return data.confidential().names if view.community else ()


def notes_for(view: View, metric_ids: Sequence[str]) -> list[store.Note]:
    """The notes on the metrics for the view's period, newest first: public and redacted in the community view."""
    found = _notes(str(data.db_path()), data.db_version(), tuple(metric_ids), view.period)
    if not view.community:
        return found
    names = _names(view)
    return [
        store.Note(
            n.note_id, n.metric_id, n.start, n.end, redact(n.text, names), redact(n.author, names), True, n.created_at
        )
        for n in found
        if n.public
    ]


def events_for(view: View) -> list[store.Annotation]:
    """The events in the span of the view's trend charts: public and redacted in the community view."""
    found = _events(str(data.db_path()), data.db_version(), view.periods[0].start, view.period.end)
    if not view.community:
        return found
    names = _names(view)
    return [
        store.Annotation(a.annotation_id, a.date, redact(a.label, names), a.kind, True, a.created_at)
        for a in found
        if a.public
    ]


def _flash(key: str) -> None:
    message = st.session_state.pop(f"{key}-flash", None)
    if message:
        st.toast(message, icon=":material/check_circle:")


def _span(start: date, end: date) -> str:
    label = Period(start, end).label
    if " to " in label or len(label) > 12:
        return label
    return f"{label} ({start:%-d %b %Y} to {end:%-d %b %Y})"


def _note(note: store.Note, key: str, community: bool) -> None:
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
        if community:
            st.caption(plain(byline))
            return
        with st.container(horizontal=True, vertical_alignment="center"):
            st.caption(plain(byline))
            if st.button("Delete", key=f"{key}-delete-{note.note_id}", icon=":material/delete:", type="tertiary"):
                store.delete_note(data.db_path(), note.note_id)
                st.session_state[f"{key}-flash"] = "Note deleted."
                st.rerun()


def _note_form(view: View, metric_ids: Sequence[str], key: str) -> None:
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
                store.add_note(data.db_path(), metric_id, dates[0], dates[1], text, public, author)
            except ValueError as exc:
                st.error(str(exc), icon=":material/error:")
            else:
                st.session_state[f"{key}-flash"] = "Note added."
                st.rerun()


def notes_block(view: View, metric_ids: Sequence[str], *, key: str = "notes", title: str = "Notes") -> None:
    """The notes on these metrics for the view's period, and (outside the community view) a form to add one."""
    _flash(key)
    st.subheader(title)
    shown = notes_for(view, metric_ids)
    if not shown:
        st.caption(f"No notes on these numbers for {view.period.label}.")
    for note in shown:
        _note(note, key, view.community)
    if not view.community:
        _note_form(view, metric_ids, key)


def _is_dates(values: list) -> bool:
    return bool(values) and all(isinstance(v, (date, datetime, pd.Timestamp)) for v in values)


def _position(day: date, xs: list, view: View):
    """Where an event's day falls on a time axis: its quarter's or period's label, or the day on a date axis."""
    if _is_dates(xs):
        return (
            day if min(pd.Timestamp(x) for x in xs) <= pd.Timestamp(day) <= max(pd.Timestamp(x) for x in xs) else None
        )
    if (quarter := f"Q{(day.month - 1) // 3 + 1} {day.year}") in xs:
        return quarter
    for p in view.periods:
        if p.start <= day <= p.end and p.label in xs:
            return p.label
    return None


def annotate(fig: go.Figure, view: View) -> go.Figure:
    """Marks the view's events on a time chart (x: quarter or period labels, or dates) as labelled vertical lines."""
    xs = list(dict.fromkeys(x for trace in fig.data for x in (trace.x if trace.x is not None else ())))
    at: dict[object, list[store.Annotation]] = {}
    for event in events_for(view):
        position = _position(event.date, xs, view)
        if position is not None:
            at.setdefault(position, []).append(event)
    for position, events in at.items():
        colour = KIND_COLOURS[events[0].kind]
        label = " · ".join(e.label for e in events)
        fig.add_shape(
            type="line",
            x0=position,
            x1=position,
            xref="x",
            y0=0,
            y1=1,
            yref="y domain",
            line=dict(color=colour, width=2, dash="dot"),
            layer="above",
        )
        fig.add_annotation(
            x=position,
            y=1,
            xref="x",
            yref="y domain",
            text=label if len(label) <= LABEL_SHOWN else label[: LABEL_SHOWN - 1] + "…",
            hovertext="<br>".join(f"{e.date:%-d %b %Y}: {KIND_WORDS[e.kind]}, {e.label}" for e in events),
            showarrow=False,
            textangle=-90,
            xanchor="left",
            yanchor="top",
            xshift=2,
            font=dict(size=12, color=colour),
            bgcolor="rgba(255,255,255,0.75)" if not view.dark else "rgba(14,17,23,0.75)",
        )
    return fig


def _event_form(view: View, key: str) -> None:
    first, last = view.periods[0].start, view.period.end
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
                store.add_annotation(data.db_path(), day, label, kind, public)
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


def events_block(view: View, *, key: str = "events") -> None:
    """Under a time chart: an "Add an event" expander with the form and the events it marks (not in the
    community view, where only the markers of public events show)."""
    _flash(key)
    if view.community:
        return
    with st.expander("Add an event", icon=":material/flag:"):
        st.caption(
            "An event that explains a curve: a drug approval, a new partner, a retreat. It is marked on the chart."
        )
        _event_form(view, key)
        for event in events_for(view):
            with st.container(horizontal=True, vertical_alignment="center"):
                st.markdown(
                    f"{event.date:%-d %b %Y} · **{plain(event.label)}** · {KIND_WORDS[event.kind]}"
                    + ("" if event.public else " · private")
                )
                if st.button(
                    "Delete", key=f"{key}-delete-{event.annotation_id}", icon=":material/delete:", type="tertiary"
                ):
                    store.delete_annotation(data.db_path(), event.annotation_id)
                    st.session_state[f"{key}-flash"] = "Event deleted."
                    st.rerun()
