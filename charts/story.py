"""The Overview's story charts: funding, touchpoints and patients, partners, research programs, open access."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts import figures
from charts.context import Context, mark_events

FUNDING = {"funding_inbound_total": "Received from partners", "funding_outbound_total": "Granted by us"}
ENGAGEMENT = {"engagement_count": "Touchpoints", "engagement_patient_participants": "Patient participants"}
PARTNERS = {"partner_active_count": "Active partners", "partner_new_count": "New partners"}
MILESTONES = {
    "milestone_count": "All milestones",
    "milestone_clinical_count": "Clinical",
    "approval_count": "Approvals",
}
OPEN_ACCESS = {"publication_open_access_share": "Open access"}


def _per_period(
    trend: pd.DataFrame, ctx: Context, names: dict[str, str], title: str, y_title: str, events: bool = True
) -> go.Figure:
    fig = figures.bars(
        trend,
        "period",
        list(names),
        names=names,
        title=title,
        subtitle=f"Per {ctx.each}, {ctx.span}",
        y_title=y_title,
        source=ctx.source,
        dark=ctx.dark,
    )
    return mark_events(fig, ctx) if events else fig


def funding(trend: pd.DataFrame, ctx: Context) -> go.Figure:
    """Money received from partners and granted by the foundation, per period."""
    fig = _per_period(trend, ctx, FUNDING, "Funding in and out", f"Amount ({ctx.currency})")
    return figures.money_axis(fig, ctx.currency)


def engagement(trend: pd.DataFrame, ctx: Context) -> go.Figure:
    """Touchpoints with partners and the patients taking part in them, per period: two panels, each on its own
    axis (a few hundred touchpoints beside thousands of patients would vanish on one)."""
    fig = figures.panels(
        trend,
        "period",
        list(ENGAGEMENT),
        names=ENGAGEMENT,
        title="Touchpoints and the patients in them",
        subtitle=f"Per {ctx.each}, {ctx.span}; each on its own scale",
        source=ctx.source,
        dark=ctx.dark,
    )
    return mark_events(fig, ctx)


def partners(trend: pd.DataFrame, ctx: Context) -> go.Figure:
    """Partners active in each period, and those new in it."""
    return figures.count_axis(_per_period(trend, ctx, PARTNERS, "Partners working with us", "Partners"))


def milestones(trend: pd.DataFrame, ctx: Context) -> go.Figure:
    """Milestones reached per period: all of them, the clinical ones and approvals."""
    return figures.count_axis(_per_period(trend, ctx, MILESTONES, "Research programs moving forward", "Milestones"))


def open_access(trend: pd.DataFrame, ctx: Context) -> go.Figure:
    """The share of each period's publications that anyone can read."""
    return figures.shares(
        trend,
        "period",
        OPEN_ACCESS,
        title="Science anyone can read",
        subtitle="Share of publications open access",
        y_title="Share of publications",
        source=ctx.source,
        dark=ctx.dark,
    )
