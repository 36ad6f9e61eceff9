"""The import contract: every table, column, type and enumeration of shared/DATA_CONTRACT.md, declared once."""

from __future__ import annotations

from dataclasses import dataclass, field

SECTORS = (
    "pharma",
    "biotech",
    "medtech",
    "cro",
    "academic",
    "regulator",
    "government",
    "foundation",
    "patient_org",
    "other",
)
INDUSTRY_SECTORS = ("pharma", "biotech", "medtech")
PARTNERSHIP_KINDS = ("experiential", "content_engagement", "research_investment")
IP_AGREEMENTS = ("none", "in_negotiation", "signed", "not_applicable")
ENGAGEMENT_TYPES = (
    "listening_session",
    "pfdd_meeting",
    "scientific_retreat",
    "advisory_board",
    "educational_content",
    "webinar",
    "data_sharing",
    "site_visit",
    "other",
)
STAGES = ("discovery", "preclinical", "clinical", "regulatory", "utilization")
DIRECTIONS = ("inbound", "outbound")
PURPOSES = (
    "research_grant",
    "sponsorship",
    "trial_support",
    "natural_history_study",
    "registry",
    "education",
    "event",
    "other",
)
MILESTONES = (
    "target_validated",
    "candidate_nominated",
    "ind_cleared",
    "phase1_started",
    "phase2_started",
    "phase3_started",
    "submission_filed",
    "approval",
    "label_expansion",
    "guideline_adopted",
)
MILESTONE_STAGE = {
    "target_validated": "discovery",
    "candidate_nominated": "preclinical",
    "ind_cleared": "clinical",
    "phase1_started": "clinical",
    "phase2_started": "clinical",
    "phase3_started": "clinical",
    "submission_filed": "regulatory",
    "approval": "regulatory",
    "label_expansion": "utilization",
    "guideline_adopted": "utilization",
}

# How people name each kind of milestone.
MILESTONE_LABELS = {
    "target_validated": "Target validated",
    "candidate_nominated": "Candidate nominated",
    "ind_cleared": "IND cleared",
    "phase1_started": "Phase 1 started",
    "phase2_started": "Phase 2 started",
    "phase3_started": "Phase 3 started",
    "submission_filed": "Submission filed",
    "approval": "Approval",
    "label_expansion": "Label expanded",
    "guideline_adopted": "Guideline adopted",
}

ENUMS = {
    "sector": SECTORS,
    "partnership_kind": PARTNERSHIP_KINDS,
    "ip_agreement": IP_AGREEMENTS,
    "engagement_type": ENGAGEMENT_TYPES,
    "rd_stage": STAGES,
    "funding_direction": DIRECTIONS,
    "funding_purpose": PURPOSES,
    "milestone_kind": MILESTONES,
}


@dataclass(frozen=True)
class Column:
    """One column of an import file: its type, whether it is required, its default and its checks."""

    name: str
    type: str  # id, text, enum, date, bool, int, money, list
    required: bool = False
    default: object = None
    enum: str | None = None
    references: str | None = None  # table whose id this column (or each list item) must name
    note: str = ""

    choices: tuple[str, ...] = ()  # the values of an enumeration not declared in ENUMS

    @property
    def values(self) -> tuple[str, ...]:
        if self.choices:
            return self.choices
        return ENUMS[self.enum] if self.enum else ()


@dataclass(frozen=True)
class Table:
    """One import table: its name, key column and columns in contract order."""

    name: str
    columns: tuple[Column, ...]
    description: str = ""
    link_tables: dict[str, str] = field(default_factory=dict)  # list column -> link table name
    keys: tuple[str, ...] = ()  # the key columns when not just the first column

    @property
    def key(self) -> str:
        """The key column, or for a table keyed by several columns their names joined by "+"."""
        return "+".join(self.key_columns)

    @property
    def key_columns(self) -> tuple[str, ...]:
        return self.keys or (self.columns[0].name,)

    @property
    def key_sql(self) -> str:
        """The record's key as one text value in SQL: the key column, or the key columns joined by ":"."""
        if len(self.key_columns) == 1:
            return self.key_columns[0]
        return " || ':' || ".join(f"CAST({c} AS VARCHAR)" for c in self.key_columns)

    def key_of(self, values: dict) -> str | None:
        """The key of a record from its values (None when a key column is empty)."""
        parts = [values.get(c) for c in self.key_columns]
        if any(p is None for p in parts):
            return None
        return ":".join(str(p) for p in parts)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _id(name: str) -> Column:
    return Column(name, "id", required=True, note="unique")


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "partners",
            (
                _id("partner_id"),
                Column("name", "text", required=True),
                Column("sector", "enum", required=True, enum="sector"),
                Column("country", "text"),
                Column(
                    "confidential",
                    "bool",
                    default=False,
                    note="never named, nor shown on its own, in community outputs",
                ),
            ),
            "Companies, universities, regulators and other organisations the foundation works with.",
        ),
        Table(
            "partnerships",
            (
                _id("partnership_id"),
                Column("partner_id", "id", required=True, references="partners"),
                Column("title", "text", required=True),
                Column("kind", "enum", required=True, enum="partnership_kind"),
                Column("start_date", "date", required=True),
                Column("end_date", "date", note="blank = ongoing; not before start_date"),
                Column("ip_agreement", "enum", default="none", enum="ip_agreement"),
                Column("precompetitive", "bool", default=False, note="outputs intended for broad distribution"),
            ),
            "Formal agreements with a partner.",
        ),
        Table(
            "engagements",
            (
                _id("engagement_id"),
                Column("date", "date", required=True),
                Column("type", "enum", required=True, enum="engagement_type"),
                Column(
                    "partner_ids",
                    "list",
                    required=True,
                    references="partners",
                    note="one or more partner_id, separated by ;",
                ),
                Column("title", "text"),
                Column("partnership_id", "id", references="partnerships"),
                Column("stage", "enum", enum="rd_stage"),
                Column("attendees", "int"),
                Column("patient_participants", "int", default=0, note="patients and caregivers taking part"),
                Column(
                    "insights_shared", "bool", default=False, note="patient insights were delivered to the partner(s)"
                ),
            ),
            "Touchpoints: meetings, listening sessions, retreats, webinars and the like.",
            {"partner_ids": "engagement_partners"},
        ),
        Table(
            "funding",
            (
                _id("funding_id"),
                Column("date", "date", required=True),
                Column("partner_id", "id", required=True, references="partners"),
                Column(
                    "direction",
                    "enum",
                    required=True,
                    enum="funding_direction",
                    note="inbound: the partner pays the foundation; outbound: the foundation grants",
                ),
                Column("amount", "money", required=True, note="greater than 0"),
                Column("currency", "text", note="if given, the reporting currency"),
                Column("partnership_id", "id", references="partnerships"),
                Column("purpose", "enum", enum="funding_purpose"),
                Column("stage", "enum", enum="rd_stage"),
            ),
            "Money in (from partners) and out (grants the foundation makes).",
        ),
        Table(
            "publications",
            (
                _id("publication_id"),
                Column("title", "text", required=True),
                Column("published_date", "date", required=True),
                Column("doi", "text", note="unique when present, case-insensitively"),
                Column("partner_ids", "list", references="partners"),
                Column("partnership_id", "id", references="partnerships"),
                Column("study_completed_date", "date", note="not after published_date"),
                Column("peer_reviewed", "bool", default=True),
                Column("open_access", "bool", default=False),
                Column(
                    "lay_summary", "bool", default=False, note="a plain-language summary was shared with the community"
                ),
                Column("citations", "int"),
            ),
            "Papers and other publications that came out of the partnerships.",
            {"partner_ids": "publication_partners"},
        ),
        Table(
            "programs",
            (
                _id("program_id"),
                Column("name", "text", required=True),
                Column("partner_ids", "list", references="partners"),
                Column("modality", "text"),
                Column("patient_insights", "bool", default=False, note="patient insights informed the program"),
            ),
            "Research programs and therapeutic candidates.",
            {"partner_ids": "program_partners"},
        ),
        Table(
            "milestones",
            (
                _id("milestone_id"),
                Column("program_id", "id", required=True, references="programs"),
                Column("date", "date", required=True),
                Column("milestone", "enum", required=True, enum="milestone_kind"),
                Column("note", "text"),
            ),
            "How programs move forward, from a validated target to an approval.",
        ),
    )
}

# Tables in the order an import applies them, referenced tables first.
TABLE_ORDER = ("partners", "partnerships", "programs", "engagements", "funding", "publications", "milestones")


# Cells that start with these are data, never formulas, on the way in and on the way out: an exported text cell
# that starts with one gets a leading apostrophe (a spreadsheet's sign for "this is text"), which import drops.
# A text that already starts with apostrophes before one of them gets one more, so that every text comes back
# exactly: '=x is written ''=x and read back '=x.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_PATTERN = "^'*[=+@\t\r-]"  # the same test, as a regular expression (for DuckDB)


def _formula_like(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_STARTS)


def formula_safe(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and _formula_like(value):
        return "'" + value
    return value


def from_formula_safe(text: str) -> str:
    """A text cell as it was before formula_safe: one apostrophe before =, +, -, @ (or more apostrophes) is
    dropped."""
    if text.startswith("'") and _formula_like(text):
        return text[1:]
    return text
