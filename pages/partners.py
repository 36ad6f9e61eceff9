"""Partners: the portfolio under the filters, one row per partner, and any partner's profile."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

import settings
from charts import partners as partner_charts
from community.rules import HIDDEN
from contract import INDUSTRY_SECTORS
from lens import Lens
from metrics import format as fmt
from metrics.format import SYMBOLS, words
from ui import blocks, data
from ui import community as public
from ui.cards import cards
from ui.context import view
from ui.tables import words_of
from ui.text import plain

config = settings.load()
v = view()
# The portfolio needs no metric; a profile reads its own.
lens = data.page_lens(v, "Partners", [], tables=("partners_portfolio",))
period = v.period
MONEY = SYMBOLS.get(config.currency, config.currency + " ") + "%,.0f"  # $1,234,567
RELATIONSHIPS = (
    "**Longitudinal**: at least 3 touchpoints in the period, in at least 2 calendar quarters and of at least 2 "
    "types. **Developing**: 2 or more touchpoints, but not longitudinal. **Transactional**: exactly 1 touchpoint. "
    "**Not engaged**: none."
)
PORTFOLIO_NOTE = (
    f"{RELATIONSHIPS} A touchpoint is any engagement (meeting, session, retreat, webinar...). First and last "
    "touchpoint are the earliest and latest engagement, funding record or publication involving the partner, up "
    "to the period's end. Kinds of partnership and IP agreements are those of the formal agreements that started "
    "by the period's end; IP agreements describe its research-investment partnerships only."
)
EVENT_NAMES = {kind: lane for kind, (lane, *_) in partner_charts.LANES.items()}
DATE_FORMAT = "D MMM YYYY"
WHO = "Internal view: confidential partners are named."
MONEY_COLUMNS = ("funding_in", "funding_out")
ROW_HEIGHT = 35  # st.dataframe's default row height, in pixels
SHOWN_COLUMNS = ("name", "sector", "relationship", "engagements", "funding_in", "funding_out")


def plural(n: int, word: str) -> str:
    """3 touchpoints, 1 touchpoint."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def remember(pid: str | None) -> None:
    """Keeps the address in step with the chosen partner, so that a copied link reopens its profile."""
    if pid:
        st.query_params["partner"] = pid
    elif "partner" in st.query_params:
        del st.query_params["partner"]


def on_pick(shown_ids: list[str]) -> None:
    """The partner whose row, or any cell of whose row (its name), was clicked in the table (row positions count
    in the frame as sent, before any sorting in the browser)."""
    selection = st.session_state["portfolio"].selection
    rows = list(selection.rows) or [cell[0] for cell in selection.cells]
    pid = shown_ids[rows[0]] if rows else None
    st.session_state["partner"] = pid
    remember(pid)


def on_close() -> None:
    """The profile's window was closed: no partner is chosen, and the table's selection goes."""
    st.session_state["partner"] = None
    st.session_state.pop("portfolio", None)
    remember(None)


def select_row(shown_ids: list[str]) -> None:
    """Highlights the chosen partner's row in the table, whichever way the partner was chosen."""
    chosen = st.session_state.get("partner")
    rows = [shown_ids.index(chosen)] if chosen in shown_ids else []
    current = st.session_state.get("portfolio")
    if current is None or list(current["selection"]["rows"]) != rows:
        st.session_state["portfolio"] = {"selection": {"rows": rows, "columns": [], "cells": []}}


def by_size(portfolio: pd.DataFrame) -> pd.DataFrame:
    """The partners largest first: by money received in the period, then touchpoints, then name (an amount the
    community-safe view hides sorts last, by its touchpoints)."""
    received = pd.to_numeric(portfolio["funding_in"].where(portfolio["funding_in"] != HIDDEN), errors="coerce")
    order = portfolio.assign(_received=received, _name=portfolio["name"].str.casefold())
    order = order.sort_values(
        ["_received", "engagements", "_name"], ascending=[False, False, True], na_position="last", kind="stable"
    )
    return portfolio.loc[order.index]


def portfolio_table(portfolio: pd.DataFrame) -> None:
    """The searchable, sortable table of partners, its explanation and its CSV."""
    search, toggle = st.columns([3, 2], vertical_alignment="bottom")
    text = search.text_input(
        "Search by name", key="search", placeholder="Part of a partner's name", icon=":material/search:"
    ).strip()
    active_only = toggle.toggle(f"Only partners active in {period.label}", key="active-only")
    shown = portfolio
    if text:
        shown = shown[shown["name"].str.contains(text, case=False, regex=False)]
    if active_only:
        shown = shown[shown["active"]]
    if shown.empty:
        among = f"active in {period.label} " if active_only else ""
        blocks.empty(
            f"No partner {among}has “{text}” in its name." if text else f"No partner is active in {period.label}."
        )
        return
    shown = by_size(shown)
    ids = list(shown["partner_id"])
    select_row(ids)
    numbers = shown
    if v.community:  # money pooled with confidential partners' reads "—": the columns hold text
        shown = shown.assign(
            **{
                c: shown[c].map(lambda a: a if a == HIDDEN else fmt.money(float(a), config.currency))
                for c in MONEY_COLUMNS
            }
        )
    table = shown.assign(
        sector=words_of(shown["sector"]),
        relationship=words_of(shown["relationship"]),
    )
    if "confidential" in table:  # internal view: said beside the name, as the funders' chart says it
        table = table.assign(name=table["name"] + table["confidential"].map({True: " (confidential)"}).fillna(""))
    st.dataframe(
        table,
        hide_index=True,
        height=ROW_HEIGHT * (min(len(table), 12) + 1) + 3,  # up to 12 rows without scrolling
        key="portfolio",
        on_select=partial(on_pick, ids) if not v.community else "ignore",
        selection_mode=["single-row", "single-cell"],
        # Fits a half-screen laptop (1366 pixels) without scrolling sideways; the rest is in the profile and CSV.
        column_order=[c for c in SHOWN_COLUMNS if c in table],
        column_config={
            "name": st.column_config.TextColumn(
                "Partner",
                width=300,
                help="Click a partner to open its profile" if not v.community else None,
            ),
            "sector": st.column_config.TextColumn("Sector", width=100),
            "relationship": st.column_config.TextColumn("Relationship", width=110, help=RELATIONSHIPS),
            "engagements": st.column_config.NumberColumn(
                "Touchpoints", format="%d", width=95, help=f"Engagements involving it in {period.label}"
            ),
            "funding_in": money_column("Received", f"Funding it paid the foundation in {period.label}"),
            "funding_out": money_column("Granted", f"Grants the foundation made to it in {period.label}"),
        },
    )
    choose = "" if v.community else " Click a partner to open its profile."
    st.caption(
        f"{len(shown)} of {plural(len(portfolio), 'partner')}, largest first: by money received in {period.label}, "
        f"then touchpoints. Touchpoints, money and relationship are for {period.label}. Sort by clicking a column's "
        f"header.{choose} Country, agreements, publications and first and last touchpoint are in the "
        + ("profile and the " if not v.community else "")
        + "CSV."
    )
    blocks.explain_and_download(numbers, lens, key="partners", query="partners_portfolio", note=PORTFOLIO_NOTE)


def money_column(label: str, help_text: str):
    """Money received or granted: a number, or text in the community-safe view (where it may read "—")."""
    if v.community:
        return st.column_config.TextColumn(label, alignment="right", width=105, help=help_text)
    return st.column_config.NumberColumn(label, format=MONEY, width=105, help=help_text)


def relationship_text(row: pd.Series) -> str:
    """The partner's relationship class in the period, with the counts that decide it."""
    n, quarters, types = int(row["engagements"]), int(row["engagement_quarters"]), int(row["engagement_types"])
    if n == 0:
        return f"**Not engaged** in {period.label}: no touchpoints."
    counts = f"{plural(n, 'touchpoint')} in {plural(quarters, 'calendar quarter')}, of {plural(types, 'type')}"
    if row["relationship"] == "developing":
        counts += "; longitudinal takes at least 3, in at least 2 quarters, of at least 2 types"
    return f"**{words(row['relationship'])}** relationship in {period.label}: {counts}."


def profile(row: pd.Series) -> None:
    """One partner (internal view only): who it is, its numbers in the period, and everything it did up to the
    period's end."""
    pid, name = row["partner_id"], row["name"]
    st.subheader(plain(name))
    country = row["country"] if isinstance(row["country"], str) and row["country"] else "country not recorded"
    st.markdown(f"{words(row['sector'])} · {plain(country)} · ID {plain(pid)}")
    if row["confidential"]:
        st.warning(
            "Confidential partner. This internal view names it; community outputs never name it nor show it on "
            "its own: its records count in totals, pooled as “Other partners”.",
            icon=":material/lock:",
        )
    agreements = words(row["kinds"]) if isinstance(row["kinds"], str) else "none"
    ip = words(row["ip_status"]) if isinstance(row["ip_status"], str) else "no research-investment partnership"
    since = f"{row['first_touchpoint']:%-d %b %Y}" if pd.notna(row["first_touchpoint"]) else "none yet"
    latest = f"{row['last_touchpoint']:%-d %b %Y}" if pd.notna(row["last_touchpoint"]) else "none yet"
    st.markdown(
        f"{relationship_text(row)}  \nFormal agreements: {agreements}. IP agreements: {ip}. First touchpoint: {since}; "
        f"last: {latest}."
    )
    ids = [
        "engagement_count",
        "engagement_patient_participants",
        "engagement_patient_voice_count",
        "engagement_reciprocity_share" if row["sector"] in INDUSTRY_SECTORS else "partnership_active_count",
        "funding_inbound_total",
        "funding_outbound_total",
        "publication_count",
        "milestone_count",
    ]
    own: Lens = lens.for_partner(pid, ids)
    if not row["active"]:
        filtered = f" under the filters ({v.filters.describe()})" if v.filters.active else ""
        last = row["last_touchpoint"]
        blocks.empty(
            f"{name} has no touchpoints, funding or publications{filtered} in {period.label}"
            + (
                f"; the last was on {last:%-d %b %Y}."
                if pd.notna(last)
                else f", nor any before {period.end:%-d %b %Y}."
            )
            + " Its numbers below are zero, or “—” where there is nothing to divide by."
        )
    cards(ids, own.series(ids), own.prior(ids), config.currency)

    drawn = blocks.chart(
        "partner-timeline",
        own,
        key="partner-timeline",
        empty_reason=f"No records of {name} up to {period.end:%-d %b %Y}.",
    )
    events = drawn.numbers
    if events.empty:
        return
    in_period = int(events["in_period"].sum())
    st.markdown(f"**Records of {plain(name)}**, newest first")
    st.dataframe(
        events.assign(
            kind=events["kind"].map(EVENT_NAMES),
            amount=events["amount"].map(lambda a: fmt.money(a, config.currency), na_action="ignore").fillna(""),
            details=events["details"].fillna(""),
        ),
        hide_index=True,
        height=388,
        column_config={
            "date": st.column_config.DateColumn("Date", format=DATE_FORMAT),
            "kind": st.column_config.TextColumn("Kind"),
            "title": st.column_config.TextColumn("What", width="large"),
            "amount": st.column_config.TextColumn("Amount", alignment="right"),
            "details": st.column_config.TextColumn("Details", width="large"),
            "in_period": st.column_config.CheckboxColumn(f"In {period.label}"),
        },
    )
    st.caption(
        f"{plural(len(events), 'record')} up to {period.end:%-d %b %Y}, {in_period:,} of them in {period.label}."
    )


listed = lens.rows("partners_portfolio")
portfolio, who = listed.frame, listed.note
names = dict(zip(portfolio["partner_id"], portfolio["name"], strict=True))
wanted = st.query_params.get("partner")
if v.community:
    st.session_state["partner"] = None  # profiles are internal; one chosen before the switch closes
elif wanted in names and st.session_state.get("partner") is None:
    st.session_state["partner"] = wanted  # a link ?partner=ID opens that partner's profile

st.title("Partners")
st.caption(
    f"{period.label}: {period.start:%-d %b %Y} to {period.end:%-d %b %Y}. "
    + (
        "Every partner who may be named and what it did in the period. "
        if v.community
        else "Every partner under the sidebar filters, what it did in the period, and its profile. "
    )
    + f"{who or WHO} "
    f"{data.records_text()}. {data.as_of_text()}."
)
public.banner(v, data.records_text())

if not data.facts()["partners"]:
    blocks.empty(
        "No partners yet. Import your partners.csv (and any other tables) on the **Data** page, or with "
        "`python cli.py import --db PATH partners.csv ...`; `make run` shows the sample foundation.",
        markdown=True,
    )
elif portfolio.empty:
    blocks.empty(f"No partners match the filters ({v.filters.describe()}). Clear a filter to see more.")
else:
    portfolio_table(portfolio)
    if v.community:
        blocks.empty(public.PROFILE_UNAVAILABLE)
    else:
        if wanted and wanted not in names:
            blocks.empty(
                f"The link asks for partner “{wanted}”, which does not match the filters ({v.filters.describe()})."
                if v.filters.active
                else f"The link asks for partner “{wanted}”, but no partner has that id."
            )
        chosen = st.session_state.get("partner")
        if chosen in names:
            # Opens over the page, where it is seen whatever the table's scroll; closing it returns to the list.
            st.dialog("Partner profile", width="large", on_dismiss=on_close)(profile)(
                portfolio.set_index("partner_id", drop=False).loc[chosen]
            )
