"""Computes the catalogue's metrics in DuckDB for one or many periods, and explains the SQL that ran."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb

from contract import MILESTONE_STAGE
from metrics.catalogue import CATALOGUE, METRICS
from metrics.filters import Filters, relations
from metrics.periods import Period

PERIODS = """\
SELECT
  unnest($period_ids) AS period_id,
  unnest($starts)::DATE AS start_date,
  unnest($ends)::DATE AS end_date,
  unnest($prior_starts)::DATE AS prior_start,
  unnest($prior_ends)::DATE AS prior_end"""

CHOSEN = """\
-- The period the reader chose: the last of the periods (the others lead up to it, for trends).
SELECT * FROM periods WHERE period_id = (SELECT max(period_id) FROM periods)"""

INVOLVEMENT = """\
-- Every dated involvement of a partner: engagements, funding records and publications.
SELECT ep.partner_id, e.date FROM engagements AS e
JOIN engagement_partners AS ep ON ep.engagement_id = e.engagement_id
UNION ALL
SELECT f.partner_id, f.date FROM funding AS f
UNION ALL
SELECT pp.partner_id, pub.published_date AS date FROM publications AS pub
JOIN publication_partners AS pp ON pp.publication_id = pub.publication_id"""

RELATIONSHIPS = """\
-- Each partner's engagements in each period, and the relationship they make: longitudinal (>= 3
-- engagements, in >= 2 calendar quarters, of >= 2 types), transactional (exactly 1) or developing.
SELECT
  period_id,
  partner_id,
  engagements,
  quarters,
  types,
  CASE
    WHEN engagements >= 3 AND quarters >= 2 AND types >= 2 THEN 'longitudinal'
    WHEN engagements = 1 THEN 'transactional'
    ELSE 'developing'
  END AS relationship
FROM (
  SELECT
    p.period_id,
    ep.partner_id,
    count(*) AS engagements,
    count(DISTINCT date_trunc('quarter', e.date)) AS quarters,
    count(DISTINCT e.type) AS types
  FROM periods AS p
  JOIN engagements AS e ON e.date BETWEEN p.start_date AND p.end_date
  JOIN engagement_partners AS ep ON ep.engagement_id = e.engagement_id
  GROUP BY p.period_id, ep.partner_id
)"""

# The contract's table of milestone kinds and the R&D stage each names (constants, not input).
MILESTONE_STAGES = (
    "-- The R&D stage each kind of milestone names (DATA_CONTRACT.md).\n"
    "SELECT milestone::milestone_kind AS milestone, stage::rd_stage AS stage FROM (VALUES\n"
    + ",\n".join(f"  ('{kind}', '{stage}')" for kind, stage in MILESTONE_STAGE.items())
    + "\n) AS t(milestone, stage)"
)

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


def _indent(sql: str) -> str:
    return "\n".join("  " + line if line else line for line in sql.splitlines())


def _period_params(periods: list[Period]) -> dict[str, list]:
    return {
        "period_ids": list(range(len(periods))),
        "starts": [p.start for p in periods],
        "ends": [p.end for p in periods],
        "prior_starts": [p.prior.start for p in periods],
        "prior_ends": [p.prior.end for p in periods],
    }


def wrap(body: str, periods: list[Period], filters: Filters | None = None) -> tuple[str, dict[str, list]]:
    """A complete query: the periods, the filtered tables and shared relations, then body as `result`.

    Every value is a bound parameter; the returned dict holds them.
    """
    shadows, params = relations(filters or Filters())
    ctes = [
        ("periods", PERIODS),
        ("chosen", CHOSEN),
        ("milestone_stages", MILESTONE_STAGES),
        *shadows,
        ("involvement", INVOLVEMENT),
        ("relationships", RELATIONSHIPS),
        ("result", body),
    ]
    sql = "WITH " + ",\n".join(f"{name} AS (\n{_indent(text)}\n)" for name, text in ctes)
    return sql + "\nSELECT * FROM result", {**_period_params(periods), **params}


def query(metric_id: str, periods: list[Period], filters: Filters | None = None) -> tuple[str, dict[str, list]]:
    """The complete SQL of one metric as it runs, with its parameters."""
    sql, params = wrap(CATALOGUE[metric_id].sql, periods, filters)
    return sql + " ORDER BY period_id", params


def explain(metric_id: str, period: Period, filters: Filters | None = None) -> tuple[str, dict[str, list]]:
    """The SQL that computes a metric for a period, and the parameters bound to it."""
    return query(metric_id, [period], filters)


def compute_many(
    con: duckdb.DuckDBPyConnection,
    periods: list[Period],
    metric_ids: list[str] | None = None,
    filters: Filters | None = None,
) -> list[dict[str, Value]]:
    """Every metric (or the named ones) for each period, in the order of the periods."""
    results: list[dict[str, Value]] = [{} for _ in periods]
    for metric in METRICS if metric_ids is None else [CATALOGUE[i] for i in metric_ids]:
        sql, params = query(metric.id, periods, filters)
        for period_id, value in con.execute(sql, params).fetchall():
            results[period_id][metric.id] = _plain(value)
    return results


def compute(
    con: duckdb.DuckDBPyConnection,
    start: date,
    end: date,
    metric_ids: list[str] | None = None,
    filters: Filters | None = None,
) -> dict[str, Value]:
    """Every metric of the catalogue (or the named ones) for the period start..end, both inclusive."""
    return compute_many(con, [Period(start, end)], metric_ids, filters)[0]
