"""What the frame decides for every page: the period, the filters, the theme; pages read it from here."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import streamlit as st

import settings
from metrics import Filters, Period


@dataclass(frozen=True)
class View:
    """The period and filters chosen in the sidebar, whether the screen is dark, and whether the view is the
    community-safe one (for sharing in public: see community/views.py)."""

    period: Period
    filters: Filters
    dark: bool = False
    community: bool = False

    @property
    def periods(self) -> list[Period]:
        """The last eight periods like the chosen one, ending with it, aligned to the calendar (for trends)."""
        return self.period.trend(8)

    def source(self, what: str = "partnership records", trend: bool = False) -> str:
        """The line under every chart: source, period (or the trend's span) and filters."""
        name = settings.load().name
        p = self.period
        first = self.periods[0] if trend else p
        span = f"{first.label} to {p.label}" if trend else p.label
        line = f"Source: {name}, {what}.<br>{span} ({first.start:%-d %b %Y} to {p.end:%-d %b %Y})"
        line += "."
        if self.filters.active:
            # Wrapped, so that the line fits under a half-width chart.
            line += "<br>" + "<br>".join(textwrap.wrap(f"Filtered to {self.filters.describe()}.", 64))
        return line


def set_view(view: View) -> None:
    """Records the view for the page about to run."""
    st.session_state["view"] = view


def view() -> View:
    """The view the frame chose for this run."""
    return st.session_state["view"]
