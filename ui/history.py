"""The Data page's History section: every write, newest first, what one write changed, and putting the data back
to just after it (itself a write, so it can be undone the same way)."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from pathlib import PurePath

import pandas as pd
import streamlit as st

from store import history, tables
from ui import session, staff
from ui.text import plain

KEY = "history"
KINDS = ("new", "updated", "removed", "restored", "reverted", "unchanged")
COLUMNS = {
    "id": st.column_config.NumberColumn("Write", format="%d", width="small"),
    "when": st.column_config.TextColumn("When"),
    "by": st.column_config.TextColumn("Who"),
    "what": st.column_config.TextColumn("What"),
    "files": st.column_config.TextColumn("Files", width="medium"),
    "summary": st.column_config.TextColumn("What changed", width="large"),
}


def what_words(write) -> str:
    """Import, Edit, Note, Restore…"""
    return history.WHAT.get(write.what, write.what.capitalize())


def files_text(write) -> str:
    """The files a write took, by their names (the command line records their paths)."""
    return ", ".join(PurePath(f).name for f in write.files)


def changed_text(write) -> str:
    """What a write changed, counted per table without what stayed the same: "partners: 2 new, 1 updated"."""
    if write.what == "restore" or not write.counts:
        return write.summary
    parts = []
    order = tables.ordered(write.counts) + [t for t in write.counts if t not in tables.ordered(write.counts)]
    for table in order:
        counts = write.counts[table]
        kinds = [k for k in KINDS if k in counts] + [k for k in counts if k not in KINDS]
        said = ", ".join(f"{counts[k]:,} {k}" for k in kinds if counts[k] and k != "unchanged")
        if said:
            parts.append(f"{table}: {said}")
    return "; ".join(parts) or "nothing changed"


def writes_frame(writes: list, now: datetime | None = None) -> pd.DataFrame:
    """The writes as a table: number, when in words, who, what, files, what changed."""
    return pd.DataFrame(
        [
            {
                "id": w.id,
                "when": staff.when_text(w.at, now),
                "by": w.by or "—",
                "what": what_words(w),
                "files": files_text(w),
                "summary": changed_text(w),
            }
            for w in writes
        ],
        columns=list(COLUMNS),
    )


def write_label(write) -> str:
    """Write 12 · Import · Today at 14:05."""
    return f"Write {write.id} · {what_words(write)} · {staff.when_text(write.at)}"


def _on_row(ids: list[int], table_key: str) -> None:
    rows = st.session_state[table_key].selection.rows
    st.session_state[f"{KEY}-write"] = ids[rows[0]] if rows else None
    st.session_state.pop(f"{KEY}-confirm", None)


def _restore(write) -> None:
    """The two-step button that puts the data back to just after the write."""
    if not session.allowed("restore"):
        st.caption("Putting the data back needs an admin's sign-in.")
        return
    confirming = st.session_state.get(f"{KEY}-confirm") == write.id
    if not confirming:
        if st.button(
            "Put the data back to just after this write",
            icon=":material/history:",
            key=f"{KEY}-restore-{write.id}",
        ):
            st.session_state[f"{KEY}-confirm"] = write.id
            st.rerun()
        return
    later = [w for w in staff.writes() if w.id > write.id]
    with st.container(border=True):
        st.warning(
            f"Every record goes back to how it was just after write {write.id}, which undoes "
            + (f"write {later[0].id}" if len(later) == 1 else f"writes {later[-1].id} to {later[0].id}")
            + ". The restore is itself a new write, so you can undo it the same way.",
            icon=":material/warning:",
        )
        yes, no = st.columns(2)
        if yes.button("Yes, put the data back", type="primary", key=f"{KEY}-confirm-yes", width="stretch"):
            session.require("restore")
            try:
                done = history.restore(staff.db(), write.id, by=session.signed_in())
            except ValueError as exc:
                st.session_state.pop(f"{KEY}-confirm", None)
                st.error(plain(exc), icon=":material/error:")
                return
            st.session_state.pop(f"{KEY}-confirm", None)
            st.session_state[f"{KEY}-done"] = True  # the next run starts with no write chosen
            staff.flash(
                KEY,
                "success",
                f"The data is back to just after write {write.id}. This restore is write {done.id}: to undo it, "
                f"put the data back to just after write {done.id - 1}. Every page now shows the data as it is.",
            )
            st.rerun()
        if no.button("Cancel", key=f"{KEY}-confirm-no", width="stretch"):
            st.session_state.pop(f"{KEY}-confirm", None)
            st.rerun()


def detail(write, latest: bool) -> None:
    """One write: who, when, what it changed record by record, and the button that goes back to just after it."""
    st.subheader(f"Write {write.id}: {what_words(write)}")
    who = f" by {write.by}" if write.by else ""
    files = f" Files: {files_text(write)}." if write.files else ""
    st.markdown(plain(f"{staff.when_text(write.at)}{who}. {staff.sentence(changed_text(write))}{files}"))
    if latest:
        st.caption("This is the latest write: the data is as it left it.")
    else:
        _restore(write)
    changes = staff.changes(write.id)
    for line in staff.confidential_flips(changes, done=True):
        st.warning(plain(line), icon=":material/visibility:")
    if changes:
        staff.draw_changes(changes, f"{KEY}-{write.id}", done=True)
    elif not write.journaled:
        st.info(
            "This write was made without keeping its changes record by record (a large sample built straight "
            "into the database), so they cannot be listed and the history cannot go back past it.",
            icon=":material/info:",
        )
    else:
        st.caption("This write changed no record.")


def section() -> None:
    """The history and, for the write chosen, its detail."""
    staff.show_flash(KEY)
    st.markdown(
        "Every change to the data is a **write**: an import, an edit, a note, a target, a restore. Choose one to "
        "see what it changed, and to **put the data back to just after it** if something went wrong. Putting "
        "the data back is a write too, so it can be undone the same way: nothing is ever lost."
    )
    writes = staff.writes()
    if not writes:
        st.info("No writes yet: the history starts with the first import or edit.", icon=":material/info:")
        return
    ids = [w.id for w in writes]
    table_key = f"{KEY}-table-{ids[0]}"  # a new write shifts the rows: the selection starts over
    chosen = st.session_state.get(f"{KEY}-write")
    if chosen not in ids or st.session_state.pop(f"{KEY}-done", False):
        chosen = st.session_state[f"{KEY}-write"] = None
    st.dataframe(
        writes_frame(writes),
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(writes), 423),
        column_config=COLUMNS,
        key=table_key,
        on_select=partial(_on_row, ids, table_key),
        selection_mode="single-row",
    )
    by_id = {w.id: w for w in writes}
    chosen = st.selectbox(
        "Write",
        ids,
        index=None,
        format_func=lambda i: write_label(by_id[i]),
        placeholder="Choose a write, or select a row in the table",
        key=f"{KEY}-write",
    )
    if chosen is None:
        st.caption(f"{staff.plural(len(writes), 'write')}, newest first. Select one to see what it changed.")
        return
    detail(by_id[chosen], latest=chosen == ids[0])
