"""The metric catalogue: every metric of shared/METRICS.md declared once, with the words a board reads."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from contract import INDUSTRY_SECTORS

SQL_DIR = Path(__file__).resolve().parent / "sql"

UNITS = ("money", "count", "share", "days", "index")
GROUPS = ("Funding", "Engagement", "Partners and agreements", "Publications", "Science progress")
# simple: one SQL aggregation; ratio: inputs[0] / inputs[1] (null when the second is 0); derived: `formula` over the
# inputs; change: (this period's inputs[0] - the prior period's) / the prior period's (null when the prior is 0).
KINDS = ("simple", "ratio", "derived", "change")
# The money a metric's value is a function of (shared/METRICS.md, community rules 2 and 6): a direction's total, or
# how the inbound money splits among partners or among sectors (a statistic of the money's distribution).
MONEY = ("inbound", "outbound", "inbound by partner", "inbound by sector")

# What a derived metric's formula may hold besides its inputs and numbers.
FORMULA_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div)


@lru_cache(maxsize=64)
def formula_tree(formula: str, inputs: tuple[str, ...]) -> ast.expr:
    """A derived metric's formula as a tree of its inputs (names), numbers and + - * /, checked once here for both
    of its readers: the engine writes it as SQL, the community gate works it out from the values it shows."""
    tree = ast.parse(re.sub(r"\{(\w+)\}", r"\1", formula), mode="eval").body
    for node in ast.walk(tree):
        if not (
            (isinstance(node, ast.Name) and node.id in inputs)
            or (isinstance(node, ast.Constant) and type(node.value) in (int, float))
            or (isinstance(node, ast.BinOp) and isinstance(node.op, FORMULA_OPERATORS))
            or isinstance(node, (ast.Load, *FORMULA_OPERATORS))
        ):
            raise ValueError(f"not a formula of its inputs as {{id}}, numbers and + - * / ( ): {formula!r}")
    return tree


@dataclass(frozen=True)
class Metric:
    """One metric: its id, label, unit, definition, direction and the question it answers, and what it is made of
    and reveals (the community gate decides from these declarations alone)."""

    id: str
    label: str
    unit: str
    group: str
    description: str
    higher_is_better: bool | None
    question: str
    decimals: int = 0
    kind: str = "simple"
    inputs: tuple[str, ...] = ()  # the catalogue ids it is computed from (ratio, derived, change)
    formula: str = ""  # a derived metric's arithmetic over its inputs, each written {id}
    money: tuple[str, ...] | None = None  # what money its value reveals (MONEY); None: undeclared, never public
    people: bool | None = None  # a count of people (suppressed from 1 to 10); None: undeclared, never public
    shown: bool = True  # False: a part, an input of other metrics that no page, export or report shows by itself
    # A simple metric that is a plain aggregation of one relation's rows is declared here (else it has its SQL file,
    # metrics/sql/ID.sql): the engine sums `aggregate` (count or sum, of the rows where `where` holds) by day of
    # `date`, then adds up each period's days, in one query for every such metric of the relation.
    table: str = ""  # the relation aggregated (a table or a shared relation of metrics/engine.py)
    date: str = "date"  # the relation's date column
    aggregate: str = ""  # count(*), count(DISTINCT column) of a record's id, or sum(column): additive over days
    where: str = ""  # the rows counted, as a SQL condition; empty: every row

    @property
    def declared(self) -> bool:
        """Whether the metric is a declared aggregation (no SQL file of its own)."""
        return bool(self.table)

    @cached_property
    def sql(self) -> str:
        """A simple metric's own query (metrics/sql/ID.sql), one row per period: (period_id, value)."""
        return (SQL_DIR / f"{self.id}.sql").read_text(encoding="utf-8").strip()


def _m(*args, **kwargs) -> Metric:
    return Metric(*args, **kwargs)


METRICS: tuple[Metric, ...] = (
    _m(
        "funding_inbound_total",
        "Funding received",
        "money",
        "Funding",
        "Sum of inbound funding (partners paying the foundation) dated in the period.",
        True,
        "How much did partners invest in our mission this period?",
        kind="simple",
        table="window_funding",
        aggregate="sum(amount)",
        where="direction = 'inbound'",
        money=("inbound",),
        people=False,
    ),
    _m(
        "funding_outbound_total",
        "Grants made",
        "money",
        "Funding",
        "Sum of outbound funding (grants the foundation made to partners) dated in the period.",
        True,
        "How much research did we fund ourselves?",
        kind="simple",
        table="window_funding",
        aggregate="sum(amount)",
        where="direction = 'outbound'",
        money=("outbound",),
        people=False,
    ),
    _m(
        "funding_inbound_change",
        "Change in funding received",
        "share",
        "Funding",
        "Inbound funding this period minus the prior period's, divided by the prior period's; "
        "empty when the prior period had none.",
        True,
        "Is the money partners bring growing or shrinking?",
        decimals=1,
        kind="change",
        inputs=("funding_inbound_total",),
        money=(),
        people=False,
    ),
    _m(
        "funding_industry_share",
        "Industry share of funding",
        "share",
        "Funding",
        "Inbound funding from pharma, biotech and medtech partners as a share of all inbound funding.",
        None,
        "How much of our income depends on industry?",
        decimals=1,
        kind="ratio",
        inputs=("funding_inbound_industry", "funding_inbound_total"),
        money=(),
        people=False,
    ),
    _m(
        "funding_partner_count",
        "Funding partners",
        "count",
        "Funding",
        "Distinct partners that paid the foundation in the period.",
        True,
        "How many partners fund us?",
        kind="simple",
        money=(),
        people=False,
    ),
    _m(
        "funding_hhi",
        "Funding concentration",
        "index",
        "Funding",
        "Herfindahl-Hirschman index of inbound funding across partners: the sum of each partner's "
        "squared percentage share, from near 0 (many equal funders) to 10,000 (one funder).",
        False,
        "Do we depend on a few funders?",
        kind="simple",
        money=("inbound by partner",),
        people=False,
    ),
    _m(
        "funding_top_partner_share",
        "Largest funder's share",
        "share",
        "Funding",
        "The largest single partner's inbound funding as a share of all inbound funding.",
        False,
        "How exposed are we if our biggest funder walks away?",
        decimals=1,
        kind="ratio",
        inputs=("funding_inbound_top", "funding_inbound_total"),
        money=(),
        people=False,
    ),
    _m(
        "engagement_count",
        "Touchpoints",
        "count",
        "Engagement",
        "Engagements (meetings, sessions, retreats, webinars and other touchpoints) dated in the period.",
        True,
        "How often did we work with partners?",
        kind="simple",
        table="window_engagements",
        aggregate="count(*)",
        money=(),
        people=False,
    ),
    _m(
        "engagement_partner_count",
        "Partners engaged",
        "count",
        "Engagement",
        "Distinct partners involved in at least one engagement in the period.",
        True,
        "How many partners did we actually work with?",
        kind="simple",
        money=(),
        people=False,
    ),
    _m(
        "engagement_patient_participants",
        "Patient participants",
        "count",
        "Engagement",
        "Sum of patients and caregivers taking part, over the engagements in the period.",
        True,
        "How many times did patients and families have a seat at the table?",
        kind="simple",
        table="window_engagements",
        aggregate="sum(patient_participants)",
        money=(),
        people=True,
    ),
    _m(
        "engagement_patient_voice_count",
        "Patient-voice sessions",
        "count",
        "Engagement",
        "Listening sessions and patient-focused drug development (PFDD) meetings in the period.",
        True,
        "Are we bringing the patient's voice to research?",
        kind="simple",
        table="window_engagements",
        aggregate="count(*)",
        where="type IN ('listening_session', 'pfdd_meeting')",
        money=(),
        people=False,
    ),
    _m(
        "engagement_convening_count",
        "Convenings",
        "count",
        "Engagement",
        "Engagements in the period that bring together an industry partner, a regulator and an academic "
        "partner, with patients taking part.",
        True,
        "Do we bring industry, regulators, researchers and patients into one room?",
        kind="simple",
        table="engagement_sectors",
        aggregate="count(*)",
        where="with_industry AND with_regulator AND with_academic AND patient_participants > 0",
        money=(),
        people=False,
    ),
    _m(
        "relationship_longitudinal_share",
        "Longitudinal relationships",
        "share",
        "Engagement",
        "Of the partners engaged in the period, the share with at least 3 engagements, in at least 2 "
        "calendar quarters and of at least 2 types.",
        True,
        "Are our relationships deep and lasting?",
        decimals=1,
        kind="ratio",
        inputs=("relationship_longitudinal_count", "engagement_partner_count"),
        money=(),
        people=False,
    ),
    _m(
        "relationship_transactional_share",
        "Transactional relationships",
        "share",
        "Engagement",
        "Of the partners engaged in the period, the share with exactly one engagement.",
        False,
        "How many partners did we meet only once?",
        decimals=1,
        kind="ratio",
        inputs=("relationship_transactional_count", "engagement_partner_count"),
        money=(),
        people=False,
    ),
    _m(
        "engagement_reciprocity_share",
        "Insights shared back",
        "share",
        "Engagement",
        "Of the engagements in the period involving an industry partner, the share where patient "
        "insights were delivered to the partner.",
        True,
        "When industry engages us, do we give them patient insight they can use?",
        decimals=1,
        kind="ratio",
        inputs=("engagement_industry_insight_count", "engagement_industry_count"),
        money=(),
        people=False,
    ),
    _m(
        "partner_active_count",
        "Active partners",
        "count",
        "Partners and agreements",
        "Partners involved in at least one engagement, funding record or publication in the period.",
        True,
        "How broad is our partnership network?",
        kind="simple",
        money=(),
        people=False,
    ),
    _m(
        "partner_new_count",
        "New partners",
        "count",
        "Partners and agreements",
        "Partners whose first involvement ever (engagement, funding or publication) falls in the period.",
        True,
        "Are we bringing in new partners?",
        kind="simple",
        money=(),
        people=False,
    ),
    _m(
        "partner_retention_rate",
        "Partner retention",
        "share",
        "Partners and agreements",
        "Of the partners active in the prior period, the share also active in this period.",
        True,
        "Do partners stay with us?",
        decimals=1,
        kind="ratio",
        inputs=("partner_retained_count", "partner_prior_active_count"),
        money=(),
        people=False,
    ),
    _m(
        "partnership_active_count",
        "Active agreements",
        "count",
        "Partners and agreements",
        "Formal partnerships that started by the end of the period and had not ended before it began.",
        True,
        "How many formal agreements are in force?",
        kind="simple",
        money=(),
        people=False,
    ),
    _m(
        "ip_agreement_coverage",
        "IP agreements signed",
        "share",
        "Partners and agreements",
        "Of the active research-investment partnerships where intellectual property applies, the share "
        "with a signed IP agreement.",
        True,
        "Is intellectual property settled before it becomes a problem?",
        decimals=1,
        kind="ratio",
        inputs=("ip_signed_count", "ip_applicable_count"),
        money=(),
        people=False,
    ),
    _m(
        "publication_count",
        "Publications",
        "count",
        "Publications",
        "Publications dated in the period.",
        True,
        "Are our partnerships producing science?",
        kind="simple",
        table="window_publications",
        date="published_date",
        aggregate="count(*)",
        money=(),
        people=False,
    ),
    _m(
        "publication_open_access_share",
        "Open access",
        "share",
        "Publications",
        "Share of the period's publications that are open access.",
        True,
        "Can patients and researchers read what we fund?",
        decimals=1,
        kind="ratio",
        inputs=("publication_open_access_count", "publication_count"),
        money=(),
        people=False,
    ),
    _m(
        "publication_lay_summary_share",
        "Lay summaries",
        "share",
        "Publications",
        "Share of the period's publications with a plain-language summary shared with the community.",
        True,
        "Do we explain our science to the community?",
        decimals=1,
        kind="ratio",
        inputs=("publication_lay_summary_count", "publication_count"),
        money=(),
        people=False,
    ),
    _m(
        "publication_median_days_to_publish",
        "Median days to publish",
        "days",
        "Publications",
        "Median number of days from a study's completion to its publication, over the period's "
        "publications that record a completion date.",
        False,
        "Do results reach the world promptly?",
        kind="simple",
        money=(),
        people=False,
    ),
    _m(
        "publication_industry_coauthored_share",
        "Industry co-authored",
        "share",
        "Publications",
        "Share of the period's publications that involve at least one industry partner.",
        None,
        "How much of our science is done with industry?",
        decimals=1,
        kind="ratio",
        inputs=("publication_industry_count", "publication_count"),
        money=(),
        people=False,
    ),
    _m(
        "publications_per_million_granted",
        "Papers per 1M granted",
        "index",
        "Publications",
        "Publications in the period divided by the grants made in the period, in millions; empty when "
        "no grants were made.",
        True,
        "What do our grants yield in published science?",
        decimals=1,
        kind="derived",
        inputs=("publication_count", "funding_outbound_total"),
        formula="{publication_count} / ({funding_outbound_total} / 1000000)",
        money=(),
        people=False,
    ),
    _m(
        "citations_total",
        "Citations",
        "count",
        "Publications",
        "Sum of citations of the period's publications.",
        True,
        "Is our science being used by others?",
        kind="simple",
        table="window_publications",
        date="published_date",
        aggregate="sum(citations)",
        money=(),
        people=False,
    ),
    _m(
        "milestone_count",
        "Milestones reached",
        "count",
        "Science progress",
        "Program milestones dated in the period.",
        True,
        "Are research programs moving forward?",
        kind="simple",
        table="milestones",
        aggregate="count(*)",
        money=(),
        people=False,
    ),
    _m(
        "milestone_clinical_count",
        "Clinical milestones",
        "count",
        "Science progress",
        "Milestones in the period that are an IND clearance or the start of a phase 1, 2 or 3 trial.",
        True,
        "Are candidates reaching patients in trials?",
        kind="simple",
        table="milestones",
        aggregate="count(*)",
        where="milestone IN ('ind_cleared', 'phase1_started', 'phase2_started', 'phase3_started')",
        money=(),
        people=False,
    ),
    _m(
        "approval_count",
        "Approvals",
        "count",
        "Science progress",
        "Regulatory approvals in the period.",
        True,
        "Did a therapy reach patients?",
        kind="simple",
        table="milestones",
        aggregate="count(*)",
        where="milestone = 'approval'",
        money=(),
        people=False,
    ),
    _m(
        "program_advanced_count",
        "Programs advanced",
        "count",
        "Science progress",
        "Distinct programs with at least one milestone in the period.",
        True,
        "How many programs moved forward?",
        kind="simple",
        money=(),
        people=False,
    ),
    _m(
        "program_patient_insight_share",
        "Patient-informed programs",
        "share",
        "Science progress",
        "Of the programs with a milestone by the end of the period, the share informed by patient insights.",
        True,
        "Is the patient's voice shaping the science?",
        decimals=1,
        kind="ratio",
        inputs=("program_informed_count", "program_reached_count"),
        money=(),
        people=False,
    ),
)


def _part(metric_id: str, group: str, description: str, unit: str, money: tuple[str, ...], **aggregation) -> Metric:
    """A part: a simple metric that other metrics are computed from, never shown by itself."""
    return Metric(
        metric_id, metric_id, unit, group, description, None, "", money=money, people=False, shown=False, **aggregation
    )


# A row's partner is of an industry sector (pharma, biotech, medtech), as a condition on its partner_id.
INDUSTRY_PARTNER = (
    "partner_id IN (SELECT partner_id FROM partners WHERE sector IN ("
    + ", ".join(f"'{sector}'" for sector in INDUSTRY_SECTORS)
    + "))"
)


PARTS: tuple[Metric, ...] = (
    _part(
        "funding_inbound_industry",
        "Funding",
        "Inbound funding from pharma, biotech and medtech partners dated in the period.",
        "money",
        ("inbound by sector",),
        table="window_funding",
        aggregate="sum(amount)",
        where="direction = 'inbound' AND " + INDUSTRY_PARTNER,
    ),
    _part(
        "funding_inbound_top",
        "Funding",
        "The largest single partner's inbound funding dated in the period.",
        "money",
        ("inbound by partner",),
    ),
    _part(
        "relationship_longitudinal_count",
        "Engagement",
        "Partners engaged in the period with at least 3 engagements, in at least 2 calendar quarters and of at least "
        "2 types.",
        "count",
        (),
    ),
    _part(
        "relationship_transactional_count",
        "Engagement",
        "Partners engaged exactly once in the period.",
        "count",
        (),
    ),
    _part(
        "engagement_industry_count",
        "Engagement",
        "Engagements in the period that involve at least one industry partner.",
        "count",
        (),
        table="engagement_sectors",
        aggregate="count(*)",
        where="with_industry",
    ),
    _part(
        "engagement_industry_insight_count",
        "Engagement",
        "Engagements in the period that involve an industry partner and delivered patient insights to it.",
        "count",
        (),
        table="engagement_sectors",
        aggregate="count(*)",
        where="with_industry AND insights_shared",
    ),
    _part(
        "partner_prior_active_count",
        "Partners and agreements",
        "Partners active in the prior period.",
        "count",
        (),
    ),
    _part(
        "partner_retained_count",
        "Partners and agreements",
        "Partners active in the prior period and in this one.",
        "count",
        (),
    ),
    _part(
        "ip_applicable_count",
        "Partners and agreements",
        "Active research-investment partnerships where intellectual property applies.",
        "count",
        (),
    ),
    _part(
        "ip_signed_count",
        "Partners and agreements",
        "Active research-investment partnerships where intellectual property applies, with a signed IP agreement.",
        "count",
        (),
    ),
    _part(
        "publication_open_access_count",
        "Publications",
        "Publications in the period that are open access.",
        "count",
        (),
        table="window_publications",
        date="published_date",
        aggregate="count(*)",
        where="open_access",
    ),
    _part(
        "publication_lay_summary_count",
        "Publications",
        "Publications in the period with a plain-language summary.",
        "count",
        (),
        table="window_publications",
        date="published_date",
        aggregate="count(*)",
        where="lay_summary",
    ),
    _part(
        "publication_industry_count",
        "Publications",
        "Publications in the period that involve at least one industry partner.",
        "count",
        (),
        table="window_publication_partners",
        aggregate="count(DISTINCT publication_id)",
        where=INDUSTRY_PARTNER,
    ),
    _part(
        "program_reached_count",
        "Science progress",
        "Programs with at least one milestone on or before the period's end.",
        "count",
        (),
    ),
    _part(
        "program_informed_count",
        "Science progress",
        "Programs with a milestone on or before the period's end that are informed by patient insights.",
        "count",
        (),
    ),
)

# The metrics a page, export or report may show, by id.
CATALOGUE: dict[str, Metric] = {m.id: m for m in METRICS}
# Every entry, metrics and parts: what the engine computes and the gate judges.
ENTRIES: dict[str, Metric] = {m.id: m for m in (*METRICS, *PARTS)}

HEADLINE: tuple[str, ...] = (
    "funding_inbound_total",
    "funding_hhi",
    "engagement_count",
    "engagement_patient_participants",
    "partner_active_count",
    "relationship_longitudinal_share",
    "publication_count",
    "milestone_count",
)


def ids_in(*groups: str) -> list[str]:
    """The ids of the metrics in the named groups, in catalogue order."""
    unknown = set(groups) - set(GROUPS)
    if unknown:
        raise ValueError(f"unknown metric group {sorted(unknown)[0]!r}")
    return [m.id for m in METRICS if m.group in groups]
