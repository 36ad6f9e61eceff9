"""Builds the community report's files for the dashboard, cached by database version, period and paper."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import streamlit as st

from metrics import Period
from reports import bundle
from ui import data


@st.cache_data(show_spinner=False, max_entries=8)
def _files(path: str, version: tuple | None, period: Period, paper: str) -> dict:
    """Cached because a build draws every chart and prints a PDF; a new import changes the version."""
    with tempfile.TemporaryDirectory() as tmp:
        written = bundle.write(path, period, Path(tmp), paper=paper)
        charts = io.BytesIO()
        with zipfile.ZipFile(charts, "w", zipfile.ZIP_DEFLATED) as zf:
            for chart in written.charts:
                zf.write(chart, f"charts/{chart.name}")
        return {
            "period": (period.start, period.end),
            "report.html": written.html.read_bytes(),
            "report.pdf": written.pdf.read_bytes() if written.pdf else b"",
            "summary.json": written.summary.read_bytes(),
            "charts.zip": charts.getvalue(),
        }


def files(period: Period, paper: str = "A4") -> dict:
    """The report's files as bytes: report.html, report.pdf, summary.json and charts.zip (community.Refused for a
    period that is not a calendar quarter or year)."""
    return _files(str(data.db_path()), data.db_version(), period, paper)
