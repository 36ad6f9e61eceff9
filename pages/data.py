"""Data: where staff keep the records (import files, templates, edits, the history of every write, a backup)."""

from __future__ import annotations

import streamlit as st

from ui import access_list, backup, data, deliveries, edits, history, imports, session, staff

st.title("Data")
session.require("write")  # editors only, however the page was reached
st.caption(
    "For the people who keep the foundation's records. Import your files, fix a partner, set targets and notes, "
    "and see every change ever made, with a way back. Every change is saved as one write in the history, and "
    f"every page shows it at the next click. {data.records_text()}. {data.as_of_text()}."
)
# Admins (and local mode) also see who may do what.
admin = session.allowed("manage_access")
tabs = st.tabs(["Import", "Templates", "Edits", "History", "Export", *(["Access", "Deliveries"] if admin else [])])
import_tab, templates_tab, edits_tab, history_tab, export_tab = tabs[:5]
with import_tab, staff.guarded("the import"):
    imports.section()
with templates_tab, staff.guarded("the templates"):
    backup.templates_section()
with edits_tab, staff.guarded("the edits"):
    edits.section()
with history_tab, staff.guarded("the history"):
    history.section()
with export_tab, staff.guarded("the export"):
    backup.export_section()
if admin:
    with tabs[5], staff.guarded("the access list"):
        access_list.section()
    with tabs[6], staff.guarded("the deliveries"):
        deliveries.section()
