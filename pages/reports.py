"""Reports: the community report for the chosen period, previewed here and offered as files to download."""

from __future__ import annotations

import streamlit as st

from community import RULES_IN_WORDS, refusal
from ui import data, reports, session
from ui.context import view
from ui.text import plain

v = view()
st.title("Community report")
st.caption(
    f"{v.period.label}: {v.period.start:%-d %b %Y} to {v.period.end:%-d %b %Y}. {data.records_text()}. "
    f"{data.as_of_text()}. The report covers the whole foundation, for a calendar quarter or year."
)
st.markdown(
    "A report to share with patients, families and supporters: the headline numbers in plain words, funding "
    "with the partners thanked by name, engagement and the patient's voice, publications, science progress, "
    "how the numbers were computed, the words a family may not know in plain words, and every publication of the "
    "period with its title and year. It is **community-safe**: " + RULES_IN_WORDS
)

refused = refusal(v.period, v.filters)
if not data.facts()["partners"]:
    st.info("No partnership records yet: import your files first (see the README).", icon=":material/info:")
elif refused:
    st.warning(plain(refused), icon=":material/block:")
else:
    paper = st.segmented_control("Paper", ["A4", "Letter"], default="A4", key="report_paper")
    if st.button(
        "Build the report",
        type="primary",
        icon=":material/description:",
        disabled=not session.allowed("build_report"),
        help=None if session.allowed("build_report") else "Building the report needs an editor's sign-in.",
    ):
        session.require("build_report")
        with st.spinner("Drawing the charts and printing the PDF…"):
            st.session_state["report_files"] = reports.files(v.period, paper or "A4")
    files = st.session_state.get("report_files")
    if files and files["period"] == (v.period.start, v.period.end):
        cols = st.columns(4)
        for column, (label, name, mime) in zip(
            cols,
            [
                ("Report (PDF)", "report.pdf", "application/pdf"),
                ("Report (HTML)", "report.html", "text/html"),
                ("Charts (PNG, SVG, alt text)", "charts.zip", "application/zip"),
                ("Numbers (summary.json)", "summary.json", "application/json"),
            ],
            strict=True,
        ):
            with column:
                st.download_button(
                    label,
                    files[name],
                    file_name=name,
                    mime=mime,
                    on_click="ignore",
                    width="stretch",
                    icon=":material/download:",
                    key=f"download-report-{name}",
                )
        st.subheader("Preview")
        # In a frame of its own (srcdoc, as components.v1.html drew it), so the report's styles stay out of the page.
        st.iframe(files["report.html"].decode("utf-8"), height=900, alt="Preview of the community report")
    elif files:
        st.caption("The period changed since the last build: build the report again.")
