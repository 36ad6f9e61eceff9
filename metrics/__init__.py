"""The metric catalogue and its computation: every page, export and report asks here by metric id."""

from metrics.catalogue import CATALOGUE, ENTRIES, HEADLINE, METRICS, Metric
from metrics.engine import compute, compute_many, explain, wrap
from metrics.filters import Filters
from metrics.periods import Period

__all__ = [
    "CATALOGUE",
    "ENTRIES",
    "HEADLINE",
    "METRICS",
    "Filters",
    "Metric",
    "Period",
    "compute",
    "compute_many",
    "explain",
    "wrap",
]
