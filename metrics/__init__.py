"""The metric catalogue and its computation: every page, export and report asks here by metric id."""

from metrics.catalogue import CATALOGUE, HEADLINE, METRICS, Metric
from metrics.engine import compute, compute_many, explain
from metrics.periods import Period

__all__ = ["CATALOGUE", "HEADLINE", "METRICS", "Metric", "Period", "compute", "compute_many", "explain"]
