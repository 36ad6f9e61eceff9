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
