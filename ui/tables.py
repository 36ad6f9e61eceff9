"""Tables of metrics for people to read and download."""

from __future__ import annotations

import pandas as pd

from metrics import METRICS
from metrics import format as fmt


def metric_table(current: dict, prior: dict, label: str, currency: str) -> pd.DataFrame:
    """Every metric of the catalogue by its label: its value, the prior period's and the change, formatted, with
    its definition (the ids are in the CSV, metric_values)."""
    return pd.DataFrame(
        [
            {
                "Area": m.group,
                "Metric": m.label,
                label: fmt.value(m, current[m.id], currency),
                "Prior period": fmt.value(m, prior[m.id], currency),
                "Change": fmt.change(m, current[m.id], prior[m.id]) or "—",
                "Definition": m.description,
            }
            for m in METRICS
        ]
    )


# The metric table's look: horizontal rules like st.table's, the numbers on one line, the definitions wrapping.
TABLE_CSS = """<style>
.metric-table { width: 100%; border-collapse: collapse; font-size: 0.875rem; line-height: 1.45; }
.metric-table th { text-align: left; font-weight: 600; padding: 0.5rem 0.75rem;
  border-bottom: 1px solid rgba(128, 128, 128, 0.45); }
.metric-table td { padding: 0.5rem 0.75rem; vertical-align: top; border-bottom: 1px solid rgba(128, 128, 128, 0.2); }
.metric-table td:nth-child(n+3):nth-child(-n+5) { white-space: nowrap; }
</style>"""


def html_table(frame: pd.DataFrame) -> str:
    """A table as one piece of HTML, every cell escaped (pandas' to_html), for st.html: st.table draws each cell as
    markdown of its own, and the Overview's 32 metrics made some 600 elements for the browser to lay out after every
    click."""
    return TABLE_CSS + frame.to_html(index=False, escape=True, border=0, classes="metric-table", justify="left")


def metric_values(current: dict, prior: dict, period_label: str) -> pd.DataFrame:
    """Every metric's raw value for the period and the prior period (for CSV downloads)."""
    return pd.DataFrame(
        [
            {"metric_id": m.id, "label": m.label, "unit": m.unit, period_label: current[m.id], "prior": prior[m.id]}
            for m in METRICS
        ]
    )


def words_of(values: pd.Series) -> pd.Series:
    """fmt.words of every value of a column, worked out once per distinct value (a table can have a hundred
    thousand rows and a handful of values)."""
    return values.map({v: fmt.words(v) for v in values.unique()})
