"""The Data page's Templates and Export sections: blank files to fill in, and the whole database as files."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import streamlit as st

import settings
from contract import TABLE_ORDER, TABLES
from store import exporter, templates
from ui import staff
from ui.text import plain

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GUIDE_HEADINGS = {
    "column": "Column",
    "required": "Required",
    "type": "Type",
    "allowed values": "Allowed values",
    "default": "When blank",
    "notes": "Notes",
    "example": "Example",
}


def guide_frame(table: str, currency: str) -> pd.DataFrame:
    """What goes in each column of one table."""
    rows = [r for r in templates.guide(currency) if r["table"] == table]
    frame = pd.DataFrame(rows, columns=list(templates.GUIDE_COLUMNS)).drop(columns=["table"])
    return frame.map(plain).rename(columns=GUIDE_HEADINGS)


def templates_section() -> None:
    """The Excel workbook, a CSV per table, and what goes in each column."""
    currency = settings.load().currency
    st.markdown(
        "Blank files with the right columns, to fill in and import. They hold the header row only, so a template "
        "sent back untouched adds nothing, and no example record can slip into your data by mistake; the "
        "example of each column is in the guide below and in the workbook's *Read me* sheet."
    )
    workbook, csvs = st.columns(2, gap="large")
    with workbook, st.container(border=True):
        st.markdown("**Excel workbook**: every table in one file")
        st.caption(
            "A sheet per table, with drop-down lists for the columns that take fixed values (sector, type, "
            "yes/no…), required columns marked in yellow, and a first sheet explaining every column."
        )
        st.download_button(
            "Excel template (.xlsx)",
            data=lambda: templates.workbook(currency),
            file_name="partnership-import-template.xlsx",
            mime=XLSX,
            icon=":material/table_view:",
            on_click="ignore",
            type="primary",
            key="template-xlsx",
        )
    with csvs, st.container(border=True):
        st.markdown("**CSV files**: one per table")
        st.caption("For exports from another system: name each file after its table, as offered here.")
        with st.container(horizontal=True, gap="small"):
            for table in TABLE_ORDER:
                st.download_button(
                    f"{table}.csv",
                    data=templates.csv_template(table),
                    file_name=f"{table}.csv",
                    mime="text/csv",
                    icon=":material/download:",
                    on_click="ignore",
                    key=f"template-{table}",
                )
    st.subheader("What goes in each column")
    table = st.segmented_control(
        "Table",
        TABLE_ORDER,
        default="partners",
        required=True,
        format_func=staff.table_words,
        key="template-guide-table",
    )
    st.caption(TABLES[table].description + (" The one table every import needs." if table == "partners" else ""))
    st.table(guide_frame(table, currency), hide_index=True, border="horizontal")


def export_section() -> None:
    """The whole database as a zip of CSV files, with what they are good for."""
    st.markdown(
        "Download everything as files: one CSV per table (partners, partnerships, programs, engagements, funding, "
        "publications, milestones), plus your notes, events and targets. Keep it as a backup, or open it in a "
        "spreadsheet. **Importing these files into an empty database gives back the same data**: the same "
        "records, the same metrics, notes, events and targets."
    )
    st.caption(
        "The history of writes is not in the files: it stays with the database. The files name confidential "
        "partners, so keep them inside the foundation."
    )
    config = settings.load()
    st.download_button(
        "Download a backup (.zip)",
        data=lambda: exporter.export_zip(staff.db()),
        file_name=f"{re.sub(r'[^a-z0-9]+', '-', config.short_name.lower()).strip('-') or 'data'}-data-"
        f"{date.today():%Y-%m-%d}.zip",
        mime="application/zip",
        icon=":material/archive:",
        on_click="ignore",
        type="primary",
        key="export-zip",
    )
