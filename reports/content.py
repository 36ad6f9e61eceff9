"""What the community report says: numbers, sentences, charts with alt text and tables, every one of them taken
from a community-safe Lens (through the one gate, community/gate.py); this module applies no rule of its own."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import duckdb
import pandas as pd
import plotly.graph_objects as go

import settings
from charts import catalogue
from community.rules import HIDDEN, OTHERS, RULES_IN_WORDS, SMALL, people_text, people_words
from contract import ENGAGEMENT_TYPES, MILESTONES, STAGES
from lens import Direct, Lens, View
from metrics import CATALOGUE, Period
from metrics import format as fmt
from metrics.format import words
from store import database

HIDDEN_WORDS = "not shown here, so that a partner who asked not to be named is not shown on its own"
TRENDS = ("funding_inbound_total", "funding_outbound_total", "engagement_patient_participants", "publication_count")
CHARTS = {
    "funding": "funding",
    "funders": "funders",
    "patients": "patients",
    "publications": "publications",
    "milestones": "program-milestones",
}  # the report's file names -> the charts of the catalogue


@dataclass
class Chart:
    """A chart of the report: its file name, its figure, its alt text and the numbers behind it."""

    name: str
    figure: go.Figure
    alt: str
    numbers: pd.DataFrame


@dataclass
class Table:
    """A table of the report: a caption, column headers and rows of text."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    note: str = ""
    beside: bool = False  # narrow enough to stand beside the section's sentences on a page or a wide screen

    @property
    def numeric(self) -> set[int]:
        """The columns that hold numbers only (counts, "<11", "—"): set right-aligned."""
        return {
            i
            for i in range(len(self.columns))
            if self.rows and all(re.fullmatch(r"[\d,.%$<—\s]+", row[i]) for row in self.rows)
        }


@dataclass
class Section:
    """One section: a heading, paragraphs, key numbers, charts and tables."""

    slug: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    numbers: list[tuple[str, str, str]] = field(default_factory=list)  # (value, label, metric id)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    more: tuple[str, str] | None = None  # (the id of a later part of the report, a sentence pointing to it)


@dataclass(frozen=True)
class Reference:
    """A publication in the report's list: its title, where and when it appeared, how it can be read, its DOI."""

    title: str
    year: int
    published: str  # "December 2025"
    journal: str = ""
    kinds: tuple[str, ...] = ()  # "Peer reviewed", "Open access", "Lay summary"
    doi: str = ""


@dataclass(frozen=True)
class Term:
    """A word of the glossary: the term, its meaning in plain words, and the pattern that finds it in the report."""

    term: str
    meaning: str
    pattern: str  # a regular expression, matched case-insensitively on the report's own words


@dataclass
class Report:
    """The whole community report, ready to render."""

    foundation: str
    period: Period
    data_as_of: datetime | None
    records_through: date | None
    sections: list[Section]
    summary: dict
    rules: str = RULES_IN_WORDS
    publications: list[Reference] = field(default_factory=list)  # the appendix: every publication of the period
    glossary: list[Term] = field(default_factory=list)  # the words a family may not know, as the report uses them

    @property
    def charts(self) -> list[Chart]:
        return [c for s in self.sections for c in s.charts]


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def summary_value(value):
    """A gated value for summary.json: a number, null (nothing to divide by, or hidden), or "<11"."""
    return None if value == HIDDEN else value


def _catalogue(metric_id: str) -> str:
    """A metric's definition in the catalogue's own words, without "in the period" (the glossary has no period)."""
    return re.sub(r",? (?:dated )?in the period", "", CATALOGUE[metric_id].description)


MILESTONE_MEANINGS = {
    "target_validated": "Researchers confirmed that a gene, protein or process in the body plays a part in the "
    "condition, so that a treatment aimed at it could help.",
    "candidate_nominated": "A particular medicine, device or approach (the candidate) was chosen to be developed "
    "and tested.",
    "ind_cleared": "The regulator allowed the candidate to be tested in people for the first time. IND stands for "
    "Investigational New Drug: the application a developer must have cleared by the US Food and Drug "
    "Administration (FDA) before a clinical trial can begin (for a device, an investigational device exemption).",
    "phase1_started": "The first clinical trial in people began: usually a small group, to check that the "
    "treatment is safe and to find the right dose.",
    "phase2_started": "A trial in a larger group of people with the condition began, to see whether the treatment "
    "works and to keep checking that it is safe.",
    "phase3_started": "A large trial began, to confirm that the treatment works and is safe, often against the "
    "usual care: usually the last step before asking for approval.",
    "submission_filed": "The developer asked a regulator to approve the treatment, with all the results of its trials.",
    "approval": "A regulator approved the treatment, so that doctors may prescribe it.",
    "label_expansion": "A regulator allowed an approved treatment to be used by more people (for example children) "
    "or for more uses. The label is the official statement of who a treatment is for.",
    "guideline_adopted": "The approach was written into the guidelines that doctors follow when they care for "
    "people with the condition.",
}
STAGE_MEANINGS = {
    "discovery": "research to understand the condition and find what a treatment could aim at",
    "preclinical": "work in the laboratory, before a treatment is tested in people",
    "clinical": "testing a treatment in people, in clinical trials",
    "regulatory": "a regulator reviewing the results to decide whether a treatment may be used",
    "utilization": "the treatment or approach in use in everyday care",
}
TOUCHPOINT_MEANINGS = {
    "listening_session": "A meeting where researchers, companies or regulators listen to patients and families "
    "describe life with the condition and what matters to them.",
    "pfdd_meeting": "A patient-focused drug development meeting: patients and caregivers tell drug developers and "
    "regulators what matters most to them in a treatment.",
    "scientific_retreat": "A meeting, often over several days, where researchers, doctors and patients share "
    "results and plan research together.",
    "advisory_board": "A group of patients, caregivers or experts who advise a partner on its research or its trials.",
    "educational_content": "Material made with a partner to explain the condition or the research: guides, "
    "videos, articles.",
    "webinar": "A talk or meeting held online.",
    "data_sharing": "Research data, such as a patient registry or study results, shared with a partner under an "
    "agreement that protects people's privacy.",
    "site_visit": "A visit to a partner's laboratory or clinic, or a partner's visit to us.",
}
assert set(MILESTONE_MEANINGS) == set(MILESTONES) and set(STAGE_MEANINGS) == set(STAGES)
assert set(TOUCHPOINT_MEANINGS) <= set(ENGAGEMENT_TYPES)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _phrase(text: str) -> str:
    """A pattern that finds the words of text, in any case, with any space or hyphen between them."""
    return r"\b" + r"[\s-]+".join(re.escape(w) for w in text.split()) + r"\b"


def glossary_terms(period: Period) -> list[Term]:
    """Every word the glossary can explain, in plain words (the catalogue's own where it has them), alphabetical;
    the report keeps those it uses."""
    each = period.cadence
    terms = [
        Term(
            "Academic partner",
            "A university, hospital or research institute.",
            r"\bacademi(?:c|a)\b|\buniversit(?:y|ies)\b",
        ),
        Term(
            "Convening",
            "A touchpoint that brings together an industry partner, a regulator and an academic partner, with "
            "patients taking part.",
            r"\bconvenings?\b|into one room",
        ),
        Term(
            "DOI",
            "Digital Object Identifier: a publication's permanent address. Typed after doi.org/ in a web browser, it "
            "opens the publication.",
            r"\bdoi\b",
        ),
        Term(
            "Engagement",
            "The word our methods use for a touchpoint.",
            r"\bengagements?\b",
        ),
        Term(
            "Funding concentration (HHI)",
            "How much our money depends on a few funders, as the Herfindahl-Hirschman index (HHI): "
            + _catalogue("funding_hhi")[_catalogue("funding_hhi").index(":") + 2 :],
            r"\bHHI\b|\bconcentrat|herfindahl",
        ),
        Term(
            "Grant",
            "Money the foundation gives researchers and partners for their work (the methods call it outbound "
            "funding).",
            r"\bgrant(?:s|ed)?\b|\boutbound\b",
        ),
        Term(
            "Inbound funding",
            "Money partners paid the foundation: what they invested in our mission.",
            r"\binbound\b|funding received|invested",
        ),
        Term(
            "Industry",
            "Companies that develop medicines, biotechnology or medical devices: pharma, biotech and medtech partners.",
            r"\bindustry\b|\bpharma\b|\bbiotech\b|\bmedtech\b",
        ),
        Term(
            "Largest funder's share",
            "The part of all the money we received that came from our single biggest funder. The smaller it is, "
            "the less we depend on one partner.",
            r"largest funder",
        ),
        Term(
            "Lay summary",
            "A "
            + CATALOGUE["publication_lay_summary_share"].description.split(" with a ", 1)[1].rstrip(".")
            + ": a short account of a publication in plain words, written for patients and families.",
            r"\blay summar(?:y|ies)\b|plain-language summary",
        ),
        Term(
            "Longitudinal relationship",
            "A partner who works with us again and again, in different ways: "
            + _catalogue("relationship_longitudinal_share").split("the share ", 1)[1],
            r"longitudinal|one-off|again and again",
        ),
        Term(
            "Median",
            "The middle value: half of the values are lower and half are higher. Median days to publish: half of "
            "the studies were published within that many days of the study's end.",
            r"\bmedian\b|\bhalf of the studies\b",
        ),
        Term(
            "Milestone",
            "A step a research program reaches on its way from the laboratory to patients, from a validated target "
            "to an approval. Clinical milestones (in the clinic) are "
            + _lower_first(_catalogue("milestone_clinical_count")),
            r"\bmilestones?\b",
        ),
        Term(
            "Open access",
            "Free for anyone to read online, with no subscription or fee.",
            r"\bopen access\b|free of charge",
        ),
        Term(
            OTHERS,
            "Partners who asked us not to name them, counted together. Smaller named partners may join the group, so "
            "that no partner's own amount can be worked out.",
            _phrase(OTHERS) + r"|asked not to be named",
        ),
        Term(
            "Patient participants",
            "Patients and caregivers taking part in our touchpoints, counted once for each touchpoint: someone who "
            "came to three sessions counts three times.",
            r"patient participants|patients and caregivers",
        ),
        Term(
            "Patient-informed program",
            "A research program shaped by what patients and families told the researchers (patient insights).",
            r"patient-informed|shaped by what patients",
        ),
        Term(
            "Patient-voice session",
            _catalogue("engagement_patient_voice_count").rstrip(".") + ": meetings held to hear patients and families.",
            r"patient[\s-]voice",
        ),
        Term(
            "Peer reviewed",
            "Checked by independent experts before it was published.",
            r"peer[\s-]reviewed",
        ),
        Term(
            "Period",
            f"The time this report covers: {period.label}, from {period.start:%-d %B %Y} to {period.end:%-d %B %Y}. "
            f"“Per {each}” on a chart means one bar for each {each}; the prior period is the {each} before, "
            f"{period.prior.label}.",
            r"\bperiods?\b|\bper (?:year|quarter)\b",
        ),
        Term(
            "Publication",
            "A paper or report of research results, usually in a scientific journal.",
            r"\bpublications?\b|\bpublished\b",
        ),
        Term(
            "Regulator",
            "A public agency that decides whether a treatment may be tested in people and sold, such as the US Food "
            "and Drug Administration (FDA) or the European Medicines Agency (EMA).",
            r"\bregulators?\b",
        ),
        Term(
            "Research program",
            "A project working towards a new test, treatment, device or standard of care.",
            r"\bprogram(?:me)?s?\b",
        ),
        Term(
            "Stage of research",
            "How far research has come, in five stages. "
            + " ".join(f"{words(s)}: {STAGE_MEANINGS[s]}." for s in STAGES),
            r"\bstages?\b|\bpreclinical\b|\butili[sz]ation\b|\bregulatory\b",
        ),
        Term(
            "Touchpoint",
            "Any time a partner worked with us: a meeting, a listening session, a retreat, a webinar, an advisory "
            "board, a visit or data shared.",
            r"\btouchpoints?\b",
        ),
        Term(
            SMALL,
            "Between 1 and 10 people. We do not give the exact number for a small group, so that no one can be "
            "recognised.",
            re.escape(SMALL),
        ),
        Term(
            HIDDEN,
            "A number left out, so that a small group of people, or a partner who asked not to be named, cannot be "
            "worked out from the others.",
            re.escape(HIDDEN),
        ),
    ]
    terms += [Term(words(m), MILESTONE_MEANINGS[m], _phrase(words(m))) for m in MILESTONES]
    terms += [Term(words(t), TOUCHPOINT_MEANINGS[t], _phrase(words(t))) for t in TOUCHPOINT_MEANINGS]
    letters = [t for t in terms if t.term[:1].isalpha()]
    return sorted(letters, key=lambda t: t.term.lower()) + [t for t in terms if not t.term[:1].isalpha()]


def _strings(node) -> list[str]:
    """Every string in a figure's JSON: titles, axis titles, legend entries, labels, categories."""
    if isinstance(node, dict):
        return [s for key, value in node.items() if key not in ("hovertemplate", "meta") for s in _strings(value)]
    if isinstance(node, list | tuple):
        return [s for value in node for s in _strings(value)]
    return [node] if isinstance(node, str) else []


def report_words(report: Report) -> str:
    """Every word a reader of the report meets: headings, sentences, key numbers, tables, charts, the publications
    and the methods (the definitions of the numbers shown) and the rules."""
    parts: list[str] = [report.rules]
    for s in report.sections:
        parts += [s.heading, *s.paragraphs, *(f"{v} {label}" for v, label, _ in s.numbers)]
        parts += [CATALOGUE[m].description for _, _, m in s.numbers]
        parts += [s.more[1]] if s.more else []
        for t in s.tables:
            parts += [t.caption, t.note, *t.columns, *(cell for row in t.rows for cell in row)]
        for c in s.charts:
            parts += _strings(json.loads(c.figure.to_json()))
    for r in report.publications:
        parts += [r.title, r.published, r.journal, *r.kinds, "DOI" if r.doi else ""]
    return "\n".join(p for p in parts if p)


def glossary(report: Report) -> list[Term]:
    """The glossary's terms that the report uses."""
    text = report_words(report)
    return [t for t in glossary_terms(report.period) if re.search(t.pattern, text, re.I)]


def _yes(value) -> bool:
    return value is not None and not pd.isna(value) and bool(value)


def reference(row, lens: Lens) -> Reference:
    """A publication of the gate's rows as the report lists it; its DOI through the gate as well, and left out
    when the gate would change it (a DOI with a word taken out would lead nowhere)."""
    doi = row.doi if isinstance(row.doi, str) else ""
    journal = getattr(row, "journal", None)  # the contract has no journal yet: shown when the rows carry one
    flags = (("peer_reviewed", "Peer reviewed"), ("open_access", "Open access"), ("lay_summary", "Lay summary"))
    kinds = [label for flag, label in flags if _yes(getattr(row, flag, None))]
    return Reference(
        title=row.title,
        year=row.published_date.year,
        published=f"{row.published_date:%B %Y}",
        journal=(lens.text(journal, "journal") or "") if isinstance(journal, str) else "",
        kinds=tuple(kinds),
        doi=doi if doi and lens.text(doi, "doi") == doi else "",
    )


class _Builder:
    def __init__(self, lens: Lens):
        self.lens = lens
        self.period = lens.view.period
        self.config = settings.load()
        self.series = lens.series(list(CATALOGUE))
        self.now = self.series[-1]
        self.prior = lens.prior()

    def value(self, metric_id: str) -> str:
        return fmt.value(CATALOGUE[metric_id], self.now[metric_id], self.config.currency)

    def number(self, metric_id: str) -> tuple[str, str, str]:
        return (self.value(metric_id), CATALOGUE[metric_id].label, metric_id)

    def chart(self, section: Section, name: str) -> None:
        drawn = catalogue.draw(CHARTS[name], self.lens)
        if drawn.figure is not None:
            section.charts.append(Chart(name, drawn.figure, drawn.alt, drawn.numbers))

    def money(self, metric_id: str) -> str:
        value = self.now[metric_id]
        return HIDDEN_WORDS if value == HIDDEN else fmt.money(value or 0, self.config.currency)


def build(con: duckdb.DuckDBPyConnection, period: Period) -> Report:
    """The community report for a period (a calendar quarter or year; Refused otherwise), every number through the
    gate."""
    lens = Lens(Direct(con), View(period, community=True))
    b = _Builder(lens)
    label = period.label
    now = b.now
    sections: list[Section] = []

    # Headline
    head = Section("headlines", f"{label} at a glance")
    head.paragraphs.append(
        f"In {label}, {_count(now['partner_active_count'], 'partner', 'partners')} worked with us in "
        f"{_count(now['engagement_count'], 'touchpoint', 'touchpoints')} with "
        f"{people_words(now['engagement_patient_participants'], 'patients and caregivers')} taking part."
    )
    inbound = now["funding_inbound_total"]
    head.paragraphs.append(
        (
            f"Partners invested {b.money('funding_inbound_total')} in our mission"
            if inbound != HIDDEN
            else f"The money partners invested in our mission is {HIDDEN_WORDS}"
        )
        + (
            f", and we granted {b.money('funding_outbound_total')} to research."
            if now["funding_outbound_total"] != HIDDEN
            else f"; the grants we made are {HIDDEN_WORDS}."
        )
    )
    pubs = now["publication_count"]
    oa = now["publication_open_access_share"]
    head.paragraphs.append(
        f"{_count(pubs, 'publication', 'publications')} came out of our partnerships"
        + (f"; {oa:.0%} of them can be read by anyone, free of charge." if oa is not None else ".")
    )
    head.paragraphs.append(
        f"Research programs reached {_count(now['milestone_count'], 'milestone', 'milestones')}"
        + (f", {now['milestone_clinical_count']} of them in the clinic" if now["milestone_clinical_count"] else "")
        + (f", and {_count(now['approval_count'], 'approval', 'approvals')}." if now["approval_count"] else ".")
    )
    head.numbers = [
        b.number(m)
        for m in (
            "partner_active_count",
            "engagement_count",
            "engagement_patient_participants",
            "funding_inbound_total",
            "publication_count",
            "milestone_count",
        )
    ]
    sections.append(head)

    # Funding
    money = Section("funding", "Funding: who invests in the mission")
    money.numbers = [b.number(m) for m in ("funding_inbound_total", "funding_outbound_total", "funding_partner_count")]
    change = now["funding_inbound_change"]
    if change is not None and change != HIDDEN:
        money.paragraphs.append(
            f"Funding from partners {'rose' if change >= 0 else 'fell'} {abs(change):.0%} on {period.prior.label}."
        )
    top = now["funding_top_partner_share"]
    money.paragraphs.append(
        "We work with many partners rather than depend on one: "
        + (
            f"the largest funder gave {top:.0%} of the money we received."
            if top not in (None, HIDDEN)
            else f"the largest funder's share is {HIDDEN_WORDS}."
            if top == HIDDEN
            else "no partner paid us this period."
        )
        + (
            f" {b.series.caveats['funding_top_partner_share']}"
            if "funding_top_partner_share" in b.series.caveats
            else ""
        )
    )
    b.chart(money, "funding")
    b.chart(money, "funders")
    thanked = lens.rows("report_partners")
    named = sorted(thanked.frame["name"], key=str.lower)
    if named:
        thanks = "Thank you to our partners: " + ", ".join(named)
        thanks += f", and {thanked.note}." if thanked.note else "."
        money.paragraphs.append(thanks)
    sections.append(money)

    # Engagement and the patient's voice
    voice = Section("engagement", "Engagement and the patient's voice")
    voice.numbers = [
        b.number(m)
        for m in (
            "engagement_count",
            "engagement_patient_participants",
            "engagement_patient_voice_count",
            "engagement_convening_count",
        )
    ]
    voice.paragraphs.append(
        f"{people_words(now['engagement_patient_participants'], 'patients and caregivers').capitalize()} took part "
        f"in our touchpoints in {label}. We held {now['engagement_patient_voice_count']:,} listening sessions and "
        "patient-focused drug development meetings, "
        f"and {_count(now['engagement_convening_count'], 'meeting', 'meetings')} brought industry, regulators, "
        "researchers and patients into one room."
    )
    longitudinal = now["relationship_longitudinal_share"]
    if longitudinal is not None and period.cadence == "year":  # within one quarter it is 0% by its definition
        voice.paragraphs.append(
            f"{longitudinal:.0%} of the partners we met worked with us again and again through the period, "
            "in different ways: relationships, not one-off transactions."
        )
    b.chart(voice, "patients")
    by_type = lens.rows("report_participants_by_type").frame
    touchpoints_by_type: list[dict] = []
    if len(by_type):
        total = people_text(now["engagement_patient_participants"])  # the same rounded count as everywhere
        touchpoints_by_type = [
            {"type": t, "touchpoints": int(n), "patient_participants": p}
            for t, n, p in zip(by_type["type"], by_type["touchpoints"], by_type["patient_participants"], strict=True)
        ]
        rows = [
            [words(t), f"{int(n):,}", people_text(p)]
            for t, n, p in zip(by_type["type"], by_type["touchpoints"], by_type["patient_participants"], strict=True)
        ]
        rows.append(["All touchpoints", f"{int(by_type['touchpoints'].sum()):,}", total])
        voice.tables.append(
            Table(
                f"Touchpoints and the patients and caregivers in them, {label}",
                ["Kind of touchpoint", "Touchpoints", "Patients and caregivers"],
                rows,
                note=(
                    f"Counts of people are rounded to the nearest 5. {SMALL}: between 1 and 10 people. {HIDDEN}: "
                    "hidden so that a small number cannot be worked out from the total."
                ),
                beside=True,
            )
        )
    sections.append(voice)

    # Publications
    papers = Section("publications", "Publications: sharing what we learn")
    papers.numbers = [
        b.number(m)
        for m in (
            "publication_count",
            "publication_open_access_share",
            "publication_lay_summary_share",
            "publication_median_days_to_publish",
        )
    ]
    days = now["publication_median_days_to_publish"]
    before = b.prior["publication_median_days_to_publish"]
    if days is not None:
        papers.paragraphs.append(
            f"Half of the studies were published within {days:,.0f} days of their completion"
            + (
                f" ({'faster' if days < before else 'slower'} than {period.prior.label}'s {before:,.0f})."
                if before is not None and before != days
                else "."
            )
        )
    lay = now["publication_lay_summary_share"]
    if lay is not None:
        papers.paragraphs.append(f"{lay:.0%} came with a plain-language summary for our community.")
    b.chart(papers, "publications")
    publications = [reference(r, lens) for r in lens.rows("report_publications").frame.itertuples()]
    if publications:
        papers.more = (
            "publication-list",
            f"{'The publication is' if len(publications) == 1 else f'All {len(publications):,} publications are'} "
            "listed at the end of this report, with "
            f"{'its title and year' if len(publications) == 1 else 'their titles and years'}.",
        )
    sections.append(papers)

    # Science progress
    science = Section("science", "Science progress: from the lab to patients")
    science.numbers = [
        b.number(m)
        for m in ("milestone_count", "milestone_clinical_count", "approval_count", "program_patient_insight_share")
    ]
    insight = now["program_patient_insight_share"]
    if insight is not None:
        science.paragraphs.append(f"{insight:.0%} of our research programs were shaped by what patients told us.")
    steps = lens.rows("report_milestones").frame
    if len(steps):
        science.tables.append(
            Table(
                f"Milestones reached in {label}",
                ["Date", "Program", "Milestone", "Stage"],
                [[f"{r.date:%-d %b %Y}", r.program, words(r.milestone), words(r.stage)] for r in steps.itertuples()],
            )
        )
        b.chart(science, "milestones")
    else:
        science.paragraphs.append(f"No program reached a milestone in {label}.")
    sections.append(science)

    # What the numbers don't say: the team's public notes on the period, through the gate
    told = lens.notes()
    if told:
        team = Section("notes", "Notes from the team")
        for n in told:
            metric = CATALOGUE[n.metric_id].label if n.metric_id in CATALOGUE else words(n.metric_id)
            signed = f" ({n.author})" if n.author else ""
            team.paragraphs.append(f"{metric}, {Period(n.start, n.end).label}: {n.text}{signed}")
        sections.append(team)

    funders = lens.rows("funding_partner_shares").frame
    as_of = database.last_import(con)
    _, through = database.record_dates(con)
    summary = {
        "foundation": b.config.name,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "prior_period": {"start": period.prior.start.isoformat(), "end": period.prior.end.isoformat()},
        "data_as_of": as_of.date().isoformat() if as_of else None,
        "records_through": through.isoformat() if through else None,
        "metrics": {m: summary_value(now[m]) for m in CATALOGUE},
        "prior_metrics": {m: summary_value(b.prior[m]) for m in CATALOGUE},
        "trends": {
            m: [
                {"period": p.label, "value": summary_value(s[m])}
                for p, s in zip(lens.view.periods, b.series, strict=True)
            ]
            for m in TRENDS
        },
        "touchpoints_by_type": touchpoints_by_type,
        "funders": [
            {"funder": f, "amount": a}
            for f, a in zip(funders.get("partner", []), funders.get("inbound", []), strict=True)
        ],
        "hidden": lens.hidden(),
        "caveats": b.series.caveats,
        "notes": [
            {
                "metric_id": n.metric_id,
                "start": n.start.isoformat(),
                "end": n.end.isoformat(),
                "text": n.text,
                "author": n.author or None,
            }
            for n in told
        ],
        "rules": RULES_IN_WORDS,
    }
    report = Report(b.config.name, period, as_of, through, sections, summary, publications=publications)
    report.glossary = glossary(report)
    return report
