"""Computes the catalogue's metrics in DuckDB for one or many periods, and explains the SQL that ran."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

import duckdb

from contract import MILESTONE_STAGE
from metrics.catalogue import ENTRIES, METRICS, Metric, formula_tree
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


def wrap(
    body: str, periods: list[Period], filters: Filters | None = None, own: Sequence[tuple[str, str]] = ()
) -> tuple[str, dict[str, list]]:
    """A complete query: the periods, the filtered tables and shared relations, then the body's own relations
    (own: name and SQL each), then body as `result`.

    Every value is a bound parameter; the returned dict holds them.
    """
    filters = filters or Filters()
    shadows, params = relations(filters)
    texts = [body, *(text for _, text in own)]
    prior = any("prior_" in _code(text) for text in texts)  # the window takes in the prior periods only if read
    months = _whole_months(_spans(periods, prior))
    ctes = _needed(
        [
            ("periods", PERIODS),
            ("chosen", CHOSEN),
            ("milestone_stages", MILESTONE_STAGES),
            *shadows,
            *_shared(filters, months),
        ],
        "\n".join(texts),
    )
    ctes += [*own, ("result", body)]
    # A table of the chosen period alone (every period it reads comes through `chosen`) reads the records of that
    # period only: DuckDB then skips the row groups of the other periods.
    chosen_only = not any(re.search(r"\bperiods\b", _code(text)) for name, text in ctes if name != "chosen")
    sql = "WITH " + ",\n".join(f"{name} AS (\n{_indent(text)}\n)" for name, text in ctes)
    sql += "\nSELECT * FROM result"
    bound = {**_period_params(periods, prior, chosen_only), **params}
    return sql, {k: v for k, v in bound.items() if re.search(rf"\${k}\b", sql)}


# The spans a simple metric is aggregated over: each period, or each period's prior period (for a change).
SPANS = {"period": ("p.start_date", "p.end_date"), "prior_period": ("p.prior_start", "p.prior_end")}
OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


def _double(expression: str) -> str:
    """expression as DOUBLE (money stays an exact DECIMAL until here)."""
    return f"{expression}::DOUBLE" if re.fullmatch(r"[\w.]+", expression) else f"({expression})::DOUBLE"


def _stem(table: str) -> str:
    """The name a relation's aggregations take: window_funding's are funding_by_day and funding_by_period."""
    return table.removeprefix("window_")


class _Statement:
    """One statement computing many metrics at the grain of the period: each simple metric is a column of its
    relation's per-period aggregation (declared) or of its own query (its SQL file), and each ratio, derived and
    change metric is an expression over its inputs, expanded inline (Evidence's and MetricFlow's pattern)."""

    def __init__(self) -> None:
        self.declared: dict[tuple[str, str], list[Metric]] = {}  # (table, span) -> its declared metrics
        self.files: list[Metric] = []

    def expression(self, metric_id: str, span: str = "period") -> str:
        """The SQL expression of a metric's value in the final SELECT (one row per period)."""
        metric = ENTRIES[metric_id]
        if metric.kind == "simple":
            if metric.declared:
                group = self.declared.setdefault((metric.table, span), [])
                if metric not in group:
                    group.append(metric)
                return f"{_stem(metric.table)}_by_{span}.{metric.id}"
            if span != "period":
                raise ValueError(f"{metric.id}: only a declared aggregation can be read over the prior period")
            if metric not in self.files:
                self.files.append(metric)
            return f"{metric.id}.value"
        if metric.kind == "ratio":
            numerator, denominator = (self.expression(i, span) for i in metric.inputs)
            return (
                f"CASE WHEN coalesce({denominator}, 0) = 0 THEN NULL "
                f"ELSE {_double(numerator)} / {_double(denominator)} END"
            )
        if metric.kind == "change":
            if span != "period":
                raise ValueError(f"{metric.id}: a change has no prior period of its own")
            now, before = self.expression(metric.inputs[0]), self.expression(metric.inputs[0], "prior_period")
            growth = f"{_double(f'{now} - {before}')} / {_double(before)}"
            return f"CASE WHEN coalesce({before}, 0) = 0 THEN NULL ELSE {growth} END"
        if metric.kind == "derived":
            return self._formula(metric, span)
        raise ValueError(f"{metric.id}: unknown kind {metric.kind!r}")

    def _formula(self, metric: Metric, span: str) -> str:
        """A derived metric's formula as SQL: each input as DOUBLE, each division by an input null when it is 0."""

        def emit(node: ast.expr, operand: bool = False) -> str:
            if isinstance(node, ast.Name):
                return _double(self.expression(node.id, span))
            if isinstance(node, ast.Constant):
                return repr(node.value)
            assert isinstance(node, ast.BinOp)  # formula_tree admits nothing else
            if isinstance(node.op, ast.Div) and not (isinstance(node.right, ast.Constant) and node.right.value):
                right = f"nullif({emit(node.right)}, 0)"
            else:
                right = emit(node.right, operand=True)
            text = f"{emit(node.left, operand=True)} {OPERATORS[type(node.op)]} {right}"
            return f"({text})" if operand else text

        return emit(formula_tree(metric.formula, metric.inputs))

    def relations(self) -> list[tuple[str, str]]:
        """The statement's own relations: each table's metrics by day and by period, then each file's query."""
        out: list[tuple[str, str]] = []
        tables = list(dict.fromkeys(table for table, _ in self.declared))
        for table in tables:
            metrics = list(dict.fromkeys(m for (t, _), group in self.declared.items() if t == table for m in group))
            out.append((f"{_stem(table)}_by_day", _by_day(table, metrics)))
        for (table, span), metrics in self.declared.items():
            out.append((f"{_stem(table)}_by_{span}", _by_span(table, span, metrics)))
        out += [(m.id, m.sql) for m in self.files]
        return out

    def joins(self) -> str:
        """The final SELECT's joins, one row per period each: the aggregations by period and the files' queries."""
        names = [f"{_stem(table)}_by_{span}" for table, span in self.declared] + [m.id for m in self.files]
        return "".join(f"\nLEFT JOIN {name} ON {name}.period_id = p.period_id" for name in names)


def _by_day(table: str, metrics: list[Metric]) -> str:
    """A relation's declared aggregates, each day (a period then adds up days, not records)."""
    date_column = metrics[0].date
    alone = len(metrics) == 1 and metrics[0].where  # one metric's condition filters the rows themselves
    columns = ",\n".join(
        f"  {m.aggregate}{f' FILTER (WHERE {m.where})' if m.where and not alone else ''} AS {m.id}" for m in metrics
    )
    day = date_column if date_column == "date" else f"{date_column} AS date"
    where = f"\nWHERE {metrics[0].where}" if alone else ""
    return (
        f"-- Each day's {', '.join(m.id for m in metrics)}, from {table}.\n"
        f"SELECT\n  {day},\n{columns}\nFROM {table}{where}\nGROUP BY {date_column}"
    )


def _by_span(table: str, span: str, metrics: list[Metric]) -> str:
    """A relation's declared metrics, each period (span: the period or its prior period), from their days."""
    start, end = SPANS[span]
    columns = ",\n".join(
        f"  coalesce(sum(d.{m.id}), 0){'::BIGINT' if m.aggregate.startswith('count(') else ''} AS {m.id}"
        for m in metrics
    )
    what = "Each period" if span == "period" else "Each period's prior period"
    return (
        f"-- {what}: the sums of its days (0 when there is none).\n"
        f"SELECT\n  p.period_id,\n{columns}\n"
        f"FROM periods AS p\nLEFT JOIN {_stem(table)}_by_day AS d ON d.date BETWEEN {start} AND {end}\n"
        "GROUP BY p.period_id"
    )


def query(
    metric_ids: Sequence[str], periods: list[Period], filters: Filters | None = None
) -> tuple[str, dict[str, list]]:
    """The complete SQL computing the metrics (or parts), one row per period: period_id, then one column each."""
    statement = _Statement()
    values = [f"  {statement.expression(metric_id)} AS {metric_id}" for metric_id in metric_ids]
    body = "SELECT\n  p.period_id,\n" + ",\n".join(values) + "\nFROM periods AS p" + statement.joins()
    sql, params = wrap(body, periods, filters, statement.relations())
    return sql + " ORDER BY period_id", params


def explain(metric_id: str, period: Period, filters: Filters | None = None) -> tuple[str, dict[str, list]]:
    """The SQL that computes a metric for a period, and the parameters bound to it."""
    return query([metric_id], [period], filters)


def compute_many(
    con: duckdb.DuckDBPyConnection,
    periods: list[Period],
    metric_ids: list[str] | None = None,
    filters: Filters | None = None,
) -> list[dict[str, Value]]:
    """Every metric (or the named ones, parts too) for each period, in the order of the periods: one statement."""
    ids = list(dict.fromkeys(m.id for m in METRICS) if metric_ids is None else dict.fromkeys(metric_ids))
    results: list[dict[str, Value]] = [{} for _ in periods]
    if not ids:
        return results
    sql, params = query(ids, periods, filters)
    for period_id, *values in con.execute(sql, params).fetchall():
        results[period_id] = {metric_id: _plain(value) for metric_id, value in zip(ids, values, strict=True)}
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
