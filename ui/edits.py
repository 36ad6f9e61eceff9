"""The Data page's Edits section: a partner's sector and confidential flag, targets per metric and year, and notes.

Each save is checked by the store, says what is wrong in its sentence when it is refused, and is one write in the
history.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import streamlit as st

import settings
from contract import SECTORS
from metrics import CATALOGUE, Period
from metrics.format import words
from store import database
from store import notes as notes_store
from store import targets as targets_store
from store.partners import edit_partner
from ui import data, session, staff
from ui.text import plain

KEY = "edits"
UNIT_WORDS = {
    "money": "money ({currency})",
    "share": "share: 0.9 is 90%",
    "count": "count",
    "days": "days",
    "index": "index",
}


@st.cache_data(show_spinner=False, max_entries=8)
def _notes(path: str, version: tuple | None) -> list:
    """Cached because the notes list shows on every rerun; keyed by the file's version."""
    with database.read(path) as con:
        return notes_store.all_notes(con)


def _written(write_id: int | None) -> str:
    return f" It is write {write_id} in the history." if write_id else ""


def partner_section() -> None:
    """Pick a partner, see its sector and flag, change them, save."""
    staff.show_flash(f"{KEY}-partner")
    st.subheader("A partner's sector and confidentiality")
    st.caption(
        "Other details of a partner come from your files: change them there and import again. A confidential "
        "partner is never named, nor shown on its own, in anything shared with the community."
    )
    partners = staff.partners()
    if partners.empty:
        st.info("No partners yet: import your partners file first (Import tab).", icon=":material/info:")
        return
    names = dict(zip(partners["partner_id"], partners["name"], strict=True))
    pid = st.selectbox(
        "Partner",
        list(names),
        index=None,
        format_func=lambda p: f"{names[p]} ({p})",
        placeholder="Type part of a name or an id",
        key=f"{KEY}-partner",
    )
    if not pid:
        return
    row = partners.set_index("partner_id").loc[pid]
    sector, confidential = str(row["sector"]), bool(row["confidential"])
    st.markdown(
        f"Now: **{words(sector)}**, "
        + ("**confidential** (never named in community outputs)" if confidential else "**may be named**")
        + "."
    )
    with st.form(f"{KEY}-partner-form-{pid}", border=True):
        left, right = st.columns(2, vertical_alignment="bottom")
        new_sector = left.selectbox(
            "Sector", SECTORS, index=SECTORS.index(sector), format_func=words, key=f"{KEY}-sector-{pid}"
        )
        new_confidential = right.toggle(
            "Confidential",
            value=confidential,
            key=f"{KEY}-confidential-{pid}",
            help="Confidential partners are never named, nor shown on their own, in community outputs: the "
            "community-safe view, the community report and newsletter images.",
        )
        saved = st.form_submit_button(
            "Save the partner", icon=":material/save:", type="primary", key=f"{KEY}-partner-save"
        )
    if not saved:
        return
    if new_sector == sector and new_confidential == confidential:
        st.info("Nothing to save: the sector and the flag are as they were.", icon=":material/info:")
        return
    session.require("write")
    result = edit_partner(
        staff.db(),
        pid,
        sector=new_sector if new_sector != sector else None,
        confidential=new_confidential if new_confidential != confidential else None,
        by=session.signed_in(),
    )
    if not result.ok:
        for problem in result.problems:
            st.error(plain(staff.sentence(problem.message)), icon=":material/error:")
        return
    said = []
    if new_sector != sector:
        said.append(f"sector {words(sector)} → {words(new_sector)}")
    if new_confidential != confidential:
        said.append("now confidential" if new_confidential else "no longer confidential")
    staff.flash(
        f"{KEY}-partner", "success", plain(f"Saved {names[pid]}: {', '.join(said)}.") + _written(result.write_id)
    )
    for line in staff.confidential_flips(result.changes, done=True):
        staff.flash(f"{KEY}-partner", "warning", plain(line))
    st.rerun()


def target_years(targets: dict[int, dict[str, float]]) -> list[int]:
    """The years the targets table shows: every year with a target, the records' last year and the next one, and
    any year added on the page."""
    years = set(targets) | set(st.session_state.get(f"{KEY}-target-years", ()))
    span = data.years()
    if span:
        years |= {span[-1], span[-1] + 1}
    return sorted(years)


def targets_frame(targets: dict[int, dict[str, float]], years: list[int], currency: str = "USD") -> pd.DataFrame:
    """One row per metric, one column per year: the target, or empty."""
    rows = []
    for metric in CATALOGUE.values():
        unit = UNIT_WORDS[metric.unit].format(currency=currency)
        row: dict[str, object] = {"metric_id": metric.id, "metric": metric.label, "unit": unit}
        for year in years:
            row[str(year)] = targets.get(year, {}).get(metric.id)
        rows.append(row)
    return pd.DataFrame(rows).astype({str(y): "float64" for y in years})


def _number(value: object) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return float(value)


def changed_targets(before: pd.DataFrame, after: pd.DataFrame, years: list[int]) -> list[tuple[int, str, float | None]]:
    """The cells the editor changed: (year, metric id, new target or None to remove it)."""
    found = []
    for (_, old), (_, new) in zip(before.iterrows(), after.iterrows(), strict=True):
        for year in years:
            a, b = _number(old[str(year)]), _number(new[str(year)])
            if a != b:
                found.append((year, new["metric_id"], b))
    return found


def save_targets(changes: list[tuple[int, str, float | None]]) -> tuple[list[int], list[str]]:
    """Sets each changed target, one write each; returns the writes made and the store's sentence for each
    target it refused."""
    session.require("write")
    saved, refused = [], []
    for year, metric_id, value in changes:
        try:
            write_id = targets_store.set_target(staff.db(), year, metric_id, value, by=session.signed_in())
        except ValueError as exc:
            refused.append(str(exc))
        else:
            if write_id:
                saved.append(write_id)
    return saved, refused


def targets_section() -> None:
    """The targets as an editable table of metric × year; saving sets each changed cell, one write each."""
    staff.show_flash(f"{KEY}-targets")
    st.subheader("Targets")
    st.caption(
        "The Overview's cards show each metric against the target of its year. Money is in the reporting "
        "currency, shares are fractions (0.9 for 90%), days and counts are numbers. Empty a cell to remove its "
        "target. Each target you change is saved as its own write in the history."
    )
    targets = data.Cached().targets()
    years = target_years(targets)
    with st.popover("Add a year", icon=":material/add:"):
        year = st.number_input(
            "Year", min_value=1900, max_value=2999, value=(years[-1] + 1) if years else 2025, key=f"{KEY}-new-year"
        )
        if st.button("Add the year", key=f"{KEY}-add-year"):
            st.session_state.setdefault(f"{KEY}-target-years", set()).add(int(year))
            st.rerun()
    if not years:
        st.info("Add a year to set its targets.", icon=":material/info:")
        return
    frame = targets_frame(targets, years, settings.load().currency)
    edited = st.data_editor(
        frame,
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(frame), 460),
        disabled=["metric", "unit"],
        column_order=["metric", "unit", *map(str, years)],
        column_config={
            "metric": st.column_config.TextColumn("Metric", pinned=True, width="medium"),
            "unit": st.column_config.TextColumn("Unit"),
            **{str(y): st.column_config.NumberColumn(str(y), format="localized") for y in years},
        },
        placeholder="",
        key=f"{KEY}-targets-{data.db_version()}",
    )
    changes = changed_targets(frame, edited, years)
    if not changes:
        st.caption("Change a cell, then save.")
        return
    st.caption(f"{staff.plural(len(changes), 'target')} changed and not saved yet.")
    if not st.button("Save the targets", type="primary", icon=":material/save:", key=f"{KEY}-save-targets"):
        return
    saved, refused = save_targets(changes)
    for why in refused:
        st.error(plain(why), icon=":material/error:")
    if saved:
        numbers = f"write {saved[0]}" if len(saved) == 1 else f"writes {saved[0]} to {saved[-1]}"
        staff.flash(
            f"{KEY}-targets",
            "success",
            f"Saved {staff.plural(len(saved), 'target')}: {numbers} in the history.",
        )
        for why in refused:
            staff.flash(f"{KEY}-targets", "error", plain(why))
        st.rerun()


def _note_label(note) -> str:
    metric = CATALOGUE.get(note.metric_id)
    text = note.text if len(note.text) <= 50 else note.text[:47] + "…"
    return f"{metric.label if metric else note.metric_id} · {Period(note.start, note.end).label} · {text}"


def notes_frame(notes: list) -> pd.DataFrame:
    """The notes as a table: metric, period, text, public, author, when added."""
    return pd.DataFrame(
        [
            {
                "metric": CATALOGUE[n.metric_id].label if n.metric_id in CATALOGUE else n.metric_id,
                "period": Period(n.start, n.end).label,
                "text": n.text,
                "public": bool(n.public),
                "author": n.author or "",
                "added": n.created_at,
            }
            for n in notes
        ],
        columns=["metric", "period", "text", "public", "author", "added"],
    )


def _edit_note(note) -> None:
    with st.form(f"{KEY}-note-form-{note.note_id}", border=True):
        text = st.text_area(
            "Note", value=note.text, max_chars=notes_store.MAX_TEXT, key=f"{KEY}-note-text-{note.note_id}"
        )
        public = st.checkbox(
            "Public",
            value=bool(note.public),
            key=f"{KEY}-note-public-{note.note_id}",
            help="Public notes appear in the community-safe view and the community report, with confidential "
            "partners' names removed; private ones only here.",
        )
        save, delete = st.columns(2)
        saved = save.form_submit_button("Save the note", type="primary", icon=":material/save:", key=f"{KEY}-note-save")
        deleting = delete.form_submit_button("Delete the note", icon=":material/delete:", key=f"{KEY}-note-delete")
    if saved:
        session.require("write")
        try:
            notes_store.edit_note(staff.db(), note.note_id, text, public, by=session.signed_in())
        except ValueError as exc:
            st.error(plain(exc), icon=":material/error:")
            return
        staff.flash(f"{KEY}-notes", "success", "Note saved.")
        st.rerun()
    if deleting:
        session.require("write")
        notes_store.delete_note(staff.db(), note.note_id, by=session.signed_in())
        staff.flash(f"{KEY}-notes", "success", "Note deleted. The History tab can bring it back.")
        st.rerun()


def _add_note() -> None:
    if st.session_state.pop(f"{KEY}-added", False):
        st.session_state.pop(f"{KEY}-add-text", None)
    with (
        st.expander("Add a note", icon=":material/edit_note:"),
        st.form(f"{KEY}-add-note", clear_on_submit=False, border=False),
    ):
        metric_id = st.selectbox(
            "Metric", list(CATALOGUE), format_func=lambda m: CATALOGUE[m].label, key=f"{KEY}-add-metric"
        )
        span = data.years()
        year = span[-1] if span else date.today().year
        dates = st.date_input(
            "For the period",
            value=(date(year, 1, 1), date(year, 12, 31)),
            format="DD/MM/YYYY",
            key=f"{KEY}-add-dates",
        )
        text = st.text_area("Note", max_chars=notes_store.MAX_TEXT, key=f"{KEY}-add-text")
        left, right = st.columns(2, vertical_alignment="bottom")
        author = left.text_input("Your name (optional)", max_chars=notes_store.MAX_AUTHOR, key=f"{KEY}-add-author")
        public = right.checkbox("Public", key=f"{KEY}-add-public")
        if st.form_submit_button("Add the note", icon=":material/add:", key=f"{KEY}-add-submit"):
            session.require("write")
            try:
                if not isinstance(dates, tuple) or len(dates) != 2:
                    raise ValueError("Choose the period's first and last day.")
                notes_store.add_note(
                    staff.db(), metric_id, dates[0], dates[1], text, public, author, by=session.signed_in()
                )
            except ValueError as exc:
                st.error(plain(exc), icon=":material/error:")
            else:
                staff.flash(f"{KEY}-notes", "success", "Note added.")
                st.session_state[f"{KEY}-added"] = True  # the next run starts the form afresh
                st.rerun()


def notes_section() -> None:
    """Every note: change its text or whether it is public, delete it, or add one."""
    staff.show_flash(f"{KEY}-notes")
    st.subheader("Notes")
    st.caption(
        "Notes tell the story behind a number for a period. They show at the foot of the Overview, Funding, "
        "Engagement and Publications pages; public ones also in the community-safe view and the community report."
    )
    notes = _notes(staff.db(), data.db_version())
    if notes:
        st.dataframe(
            notes_frame(notes),
            hide_index=True,
            width="stretch",
            height=min(38 + 35 * len(notes), 318),
            column_config={
                "metric": st.column_config.TextColumn("Metric"),
                "period": st.column_config.TextColumn("Period"),
                "text": st.column_config.TextColumn("Note", width="large"),
                "public": st.column_config.CheckboxColumn("Public"),
                "author": st.column_config.TextColumn("Author"),
                "added": st.column_config.DatetimeColumn("Added", format="D MMM YYYY"),
            },
            key=f"{KEY}-notes-table",
        )
        by_id = {n.note_id: n for n in notes}
        if st.session_state.get(f"{KEY}-note") not in by_id:
            st.session_state.pop(f"{KEY}-note", None)
        chosen = st.selectbox(
            "Note to change or delete",
            list(by_id),
            index=None,
            format_func=lambda i: _note_label(by_id[i]),
            placeholder="Choose a note",
            key=f"{KEY}-note",
        )
        if chosen:
            _edit_note(by_id[chosen])
    else:
        st.caption("No notes yet.")
    _add_note()


def section() -> None:
    """The three kinds of edit, one under the other."""
    partner_section()
    st.divider()
    targets_section()
    st.divider()
    notes_section()
