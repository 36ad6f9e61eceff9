"""Computes the catalogue's metrics in DuckDB for one or many periods, and explains the SQL that ran."""

from __future__ import annotations

from decimal import Decimal

import duckdb

from metrics.catalogue import CATALOGUE, METRICS
from metrics.periods import Period

PRELUDE = """\
WITH periods AS (
  SELECT
    unnest($period_ids) AS period_id,
    unnest($starts)::DATE AS start_date,
    unnest($ends)::DATE AS end_date,
    unnest($prior_starts)::DATE AS prior_start,
    unnest($prior_ends)::DATE AS prior_end
),
involvement AS (
  -- Every dated involvement of a partner: engagements, funding records and publications.
  SELECT ep.partner_id, e.date FROM engagements AS e
  JOIN engagement_partners AS ep ON ep.engagement_id = e.engagement_id
  UNION ALL
  SELECT f.partner_id, f.date FROM funding AS f
  UNION ALL
  SELECT pp.partner_id, pub.published_date AS date FROM publications AS pub
  JOIN publication_partners AS pp ON pp.publication_id = pub.publication_id
)"""

Value = int | float | None


def _plain(value: object) -> Value:
    """A JSON-ready number: money as an exact int or float, counts as int, shares as float."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bool):
        return int(value)
    return value


def _params(periods: list[Period]) -> dict[str, list]:
    return {
        "period_ids": list(range(len(periods))),
        "starts": [p.start for p in periods],
        "ends": [p.end for p in periods],
        "prior_starts": [p.prior.start for p in periods],
        "prior_ends": [p.prior.end for p in periods],
    }


def query(metric_id: str) -> str:
    """The complete SQL of one metric, as it runs: the periods and shared relations, then the metric."""
    body = "\n".join("  " + line if line else line for line in CATALOGUE[metric_id].sql.splitlines())
    return f"{PRELUDE},\nmetric AS (\n{body}\n)\nSELECT period_id, value FROM metric ORDER BY period_id"


def explain(metric_id: str, period: Period) -> tuple[str, dict[str, list]]:
    """The SQL that computes a metric and the parameters bound to it."""
    return query(metric_id), _params([period])


def compute_many(
    con: duckdb.DuckDBPyConnection, periods: list[Period], metric_ids: list[str] | None = None
) -> list[dict[str, Value]]:
    """Every metric (or the named ones) for each period, in the order of the periods."""
    params = _params(periods)
    results: list[dict[str, Value]] = [{} for _ in periods]
    for metric in METRICS if metric_ids is None else [CATALOGUE[i] for i in metric_ids]:
        for period_id, value in con.execute(query(metric.id), params).fetchall():
            results[period_id][metric.id] = _plain(value)
    return results


def compute(con: duckdb.DuckDBPyConnection, start, end, metric_ids: list[str] | None = None) -> dict[str, Value]:
    """Every metric of the catalogue (or the named ones) for the period start..end, both inclusive."""
    return compute_many(con, [Period(start, end)], metric_ids)[0]
