"""Computes the catalogue's metrics in DuckDB for one or many periods, and explains the SQL that ran."""

from __future__ import annotations

import re
from datetime import date, timedelta
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

# The date window of a request: from the earliest start (prior periods included) to the latest end. Every record
# a period (or its prior period) counts lies in it, so reading only the window changes no value; DuckDB then skips
# whole row groups by their dates instead of joining every engagement to its partners.
WINDOW_TABLES = """\
-- Records dated in the request's window ($window_start to $window_end: every period and prior period).
SELECT * FROM {table} WHERE {date} BETWEEN $window_start AND $window_end"""

# A link row carries its record's date (and an engagement's type), kept exact at every write (store/database.py).
WINDOW_LINKS = """\
-- Partner links of records dated in the request's window (each link row carries its record's date).
SELECT * FROM {link} WHERE date BETWEEN $window_start AND $window_end{kept}"""

INVOLVEMENT = """\
-- Every dated involvement of a partner: engagements, funding records and publications (each link row carries its
-- record's date).
SELECT partner_id, date FROM engagement_partners{engagements_kept}
UNION ALL
SELECT partner_id, date FROM funding
UNION ALL
SELECT partner_id, date FROM publication_partners{publications_kept}"""

WINDOW_INVOLVEMENT = """\
-- Every involvement of a partner dated in the request's window.
SELECT partner_id, date FROM window_engagement_partners
UNION ALL
SELECT partner_id, date FROM window_funding
UNION ALL
SELECT partner_id, date FROM window_publication_partners"""

FIRSTS_STORED = """\
-- Each partner's earliest involvement ever, kept at every write (store/database.py: partner_firsts).
SELECT partner_id, first_date FROM partner_firsts"""

FIRSTS_FILTERED = """\
-- Each partner's earliest involvement ever, among the filtered records.
SELECT partner_id, min(date) AS first_date FROM involvement GROUP BY partner_id"""

ACTIVITY_STORED = """\
-- When each partner was involved, by calendar month (every period here is whole months, so a month's first day
-- lies in a period exactly when the month does): from partner_months, kept at every write (store/database.py).
SELECT partner_id, month AS date
FROM partner_months
WHERE month BETWEEN $window_start AND $window_end"""

ACTIVITY_RECORDS = """\
-- When each partner was involved: the date of each of its records in the window.
SELECT partner_id, date FROM window_involvement"""

ENGAGED_STORED = """\
-- When each partner took part in engagements, by calendar month (every period here is whole months): from
-- partner_months, kept at every write (store/database.py).
SELECT partner_id, month AS date
FROM partner_months
WHERE engagements > 0 AND month BETWEEN $window_start AND $window_end"""

ENGAGED_RECORDS = """\
-- When each partner took part in engagements: the date of each of its engagements in the window.
SELECT partner_id, date FROM window_engagement_partners"""

SECTORS_STORED = """\
-- Each engagement in the window, and whether it involves an industry, a regulator and an academic partner (kept
-- at every write from its partners' sectors: store/database.py).
SELECT engagement_id, date, patient_participants, insights_shared, with_industry, with_regulator, with_academic
FROM window_engagements"""

SECTORS_FILTERED = """\
-- Each engagement in the window, and whether it involves an industry, a regulator and an academic partner (among
-- the partners the filters keep).
SELECT
  e.engagement_id,
  e.date,
  e.patient_participants,
  e.insights_shared,
  coalesce(s.with_industry, false) AS with_industry,
  coalesce(s.with_regulator, false) AS with_regulator,
  coalesce(s.with_academic, false) AS with_academic
FROM window_engagements AS e
LEFT JOIN (
  SELECT
    ep.engagement_id,
    bool_or(pa.sector IN ('pharma', 'biotech', 'medtech')) AS with_industry,
    bool_or(pa.sector = 'regulator') AS with_regulator,
    bool_or(pa.sector = 'academic') AS with_academic
  FROM window_engagement_partners AS ep
  JOIN partners AS pa ON pa.partner_id = ep.partner_id
  GROUP BY ep.engagement_id
) AS s ON s.engagement_id = e.engagement_id"""


def _relationships(source: str, counts: str) -> str:
    """The relationship each partner's engagements in each period make, from counts (SQL giving period_id,
    partner_id, engagements, quarters and types); source: comment lines on where the counts come from."""
    return f"""\
-- Each partner's engagements in each period, and the relationship they make: longitudinal (>= 3
-- engagements, in >= 2 calendar quarters, of >= 2 types), transactional (exactly 1) or developing.
{source}SELECT
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
{counts}
)"""


RELATIONSHIPS_STORED = _relationships(
    "-- Every period here is whole months, so it is read from partner_months "
    "(each partner's engagements by month, and\n"
    "-- the types among them as one bit each; kept at every write: store/database.py).\n",
    """\
  SELECT
    p.period_id,
    m.partner_id,
    sum(m.engagements)::BIGINT AS engagements,
    count(DISTINCT date_trunc('quarter', m.month)) AS quarters,
    bit_count(bit_or(m.types))::BIGINT AS types
  FROM periods AS p
  JOIN partner_months AS m ON m.engagements > 0 AND m.month BETWEEN p.start_date AND p.end_date
  GROUP BY p.period_id, m.partner_id""",
)

RELATIONSHIPS = _relationships(
    "",
    """\
  SELECT
    period_id,
    partner_id,
    sum(n)::BIGINT AS engagements,
    count(DISTINCT quarter) AS quarters,
    count(DISTINCT type) AS types
  FROM (
    -- First by calendar quarter and type (far fewer rows than engagements), then by partner.
    SELECT p.period_id, ep.partner_id, date_trunc('quarter', ep.date) AS quarter, ep.type, count(*) AS n
    FROM periods AS p
    JOIN window_engagement_partners AS ep ON ep.date BETWEEN p.start_date AND p.end_date
    GROUP BY ALL
  )
  GROUP BY period_id, partner_id""",
)

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


def _spans(periods: list[Period], prior: bool) -> list[tuple[date, date]]:
    return [(p.start, p.end) for p in periods] + ([(p.prior.start, p.prior.end) for p in periods] if prior else [])


def _whole_months(spans: list[tuple[date, date]]) -> bool:
    """Whether every span starts on a month's first day and ends on a month's last day."""
    return all(start.day == 1 and (end + timedelta(days=1)).day == 1 for start, end in spans)


def _period_params(periods: list[Period], prior: bool = True, chosen_only: bool = False) -> dict[str, list]:
    """The periods as parameters, and the window they (and, with prior, their prior periods) span; chosen_only:
    the SQL reads the chosen (last) period alone, and the window is its span."""
    spans = _spans(periods[-1:] if chosen_only else periods, prior)
    return {
        "period_ids": list(range(len(periods))),
        "starts": [p.start for p in periods],
        "ends": [p.end for p in periods],
        "prior_starts": [p.prior.start for p in periods],
        "prior_ends": [p.prior.end for p in periods],
        "window_start": min(start for start, _ in spans),
        "window_end": max(end for _, end in spans),
    }


def _code(sql: str) -> str:
    """SQL without its comments (a name in a comment is no use of it)."""
    return re.sub(r"--[^\n]*", "", sql)


def _shared(filters: Filters, months: bool = False) -> list[tuple[str, str]]:
    """The relations every metric and query may use, over the (filtered) tables; months: every period is whole
    months, so that (with no filter) the partners' activity can be read from partner_months."""
    stored = months and not filters.active
    # With a filter on, a link counts only when its record passed the filters too.
    engagements_kept = "\nWHERE engagement_id IN (SELECT engagement_id FROM engagements)" if filters.active else ""
    publications_kept = "\nWHERE publication_id IN (SELECT publication_id FROM publications)" if filters.active else ""
    # A link's date is its record's, so the window's links need only the window's records.
    window_engagements_kept = engagements_kept.replace("\nWHERE", "\n  AND").replace(
        " engagements)", " window_engagements)"
    )
    window_publications_kept = publications_kept.replace("\nWHERE", "\n  AND").replace(
        " publications)", " window_publications)"
    )
    return [
        ("window_engagements", WINDOW_TABLES.format(table="engagements", date="date")),
        ("window_funding", WINDOW_TABLES.format(table="funding", date="date")),
        ("window_publications", WINDOW_TABLES.format(table="publications", date="published_date")),
        ("window_engagement_partners", WINDOW_LINKS.format(link="engagement_partners", kept=window_engagements_kept)),
        (
            "window_publication_partners",
            WINDOW_LINKS.format(link="publication_partners", kept=window_publications_kept),
        ),
        ("involvement", INVOLVEMENT.format(engagements_kept=engagements_kept, publications_kept=publications_kept)),
        ("window_involvement", WINDOW_INVOLVEMENT),
        ("firsts", FIRSTS_FILTERED if filters.active else FIRSTS_STORED),
        ("partner_activity", ACTIVITY_STORED if stored else ACTIVITY_RECORDS),
        ("engaged", ENGAGED_STORED if stored else ENGAGED_RECORDS),
        # The stored flags count every partner of an engagement: right unless a filter keeps only some partners.
        ("engagement_sectors", SECTORS_FILTERED if filters.sectors or filters.partners else SECTORS_STORED),
        ("relationships", RELATIONSHIPS_STORED if stored else RELATIONSHIPS),
    ]


def _needed(ctes: list[tuple[str, str]], body: str) -> list[tuple[str, str]]:
    """The relations the body uses, directly or through another relation, in their order (an unused one would only
    lengthen the SQL shown and the time DuckDB takes to plan it)."""
    wanted, texts = set(), [body]
    while texts:
        text = _code(texts.pop())
        for name, cte in ctes:
            # A relation may shadow a table of the same name, which its own text then reads: only earlier ones count.
            if name not in wanted and re.search(rf"\b{name}\b", text):
                wanted.add(name)
                texts.append(cte)
    return [(name, cte) for name, cte in ctes if name in wanted]


def wrap(body: str, periods: list[Period], filters: Filters | None = None) -> tuple[str, dict[str, list]]:
    """A complete query: the periods, the filtered tables and shared relations, then body as `result`.

    Every value is a bound parameter; the returned dict holds them.
    """
    filters = filters or Filters()
    shadows, params = relations(filters)
    prior = "prior_" in _code(body)  # the window takes in the prior periods only for SQL that reads them
    months = _whole_months(_spans(periods, prior))
    ctes = _needed(
        [
            ("periods", PERIODS),
            ("chosen", CHOSEN),
            ("milestone_stages", MILESTONE_STAGES),
            *shadows,
            *_shared(filters, months),
        ],
        body,
    )
    # A table of the chosen period alone (every period it reads comes through `chosen`) reads the records of that
    # period only: DuckDB then skips the row groups of the other periods.
    chosen_only = not any(
        re.search(r"\bperiods\b", _code(text)) for name, text in [*ctes, ("result", body)] if name != "chosen"
    )
    ctes.append(("result", body))
    sql = "WITH " + ",\n".join(f"{name} AS (\n{_indent(text)}\n)" for name, text in ctes)
    sql += "\nSELECT * FROM result"
    bound = {**_period_params(periods, prior, chosen_only), **params}
    return sql, {k: v for k, v in bound.items() if re.search(rf"\${k}\b", sql)}


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
