"""The sample foundation's story, seeded: the CSVs in sample_data/ and `cli.py sample` (small) come from here.

The story follows the Lumen Foundation for Ondine Syndrome from 2016 to 2025: one big
pharma partner funds most of the early work and its share falls as partners join, a biotech
partner lapses after 2020, a scientific retreat convenes industry, regulators, academics and
patients every year, publications come faster and more open, and one therapy reaches approval.
(The large synthetic databases for benchmarks are samples/scaled.py.)
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from contract import (
    INDUSTRY_SECTORS,
    SECTORS,
    STAGES,
    TABLE_ORDER,
    TABLES,
)

FIRST_YEAR, LAST_YEAR = 2016, 2025
YEARS = range(FIRST_YEAR, LAST_YEAR + 1)
DOI_PREFIX = "10.5555"


@dataclass(frozen=True)
class _Partner:
    key: str
    name: str
    sector: str
    country: str
    first: int
    last: int = LAST_YEAR
    weight: float = 1.0
    confidential: bool = False


# Fictional organisations; `first`..`last` is the span of years the partner is active in.
_PARTNERS = (
    _Partner("veltrana", "Veltrana Therapeutics", "pharma", "United States", 2016, weight=6),
    _Partner("oristen", "Oristen Pharma", "pharma", "Switzerland", 2017, weight=4),
    _Partner("nordvik", "Nordvik Pharmaceuticals", "pharma", "Denmark", 2019, weight=3),
    _Partner("castrelle", "Castrelle Pharma", "pharma", "Germany", 2020, weight=2, confidential=True),
    _Partner("arbor", "Arbor & Finch Pharmaceuticals", "pharma", "United Kingdom", 2021, weight=3),
    _Partner("corvane", "Corvane Biologics", "biotech", "United States", 2016, 2020, weight=4),
    _Partner("quillonix", "Quillonix Bio", "biotech", "United States", 2018, weight=2.5),
    _Partner("brightmere", "Brightmere Genomics", "biotech", "Canada", 2020, weight=2.5),
    _Partner("sableford", "Sableford Therapeutics", "biotech", "Canada", 2019, weight=1.5, confidential=True),
    _Partner("meridel", "Meridel RNA Medicines", "biotech", "Netherlands", 2022, weight=2),
    _Partner("tidewell", "Tidewell Biosciences", "biotech", "Japan", 2023, weight=1.5),
    _Partner("tesselon", "Tesselon Diagnostics", "medtech", "United States", 2018, weight=2.5),
    _Partner("kestrane", "Kestrane Medical", "medtech", "Ireland", 2019, weight=1.5, confidential=True),
    _Partner("lodevane", "Lodevane Digital Health", "medtech", "Sweden", 2022, weight=1.5),
    _Partner("pinnacrest", "Pinnacrest Clinical Research", "cro", "United States", 2018, weight=2),
    _Partner("harrowgate", "Harrowgate Trials", "cro", "United Kingdom", 2021, weight=1.5),
    _Partner("easthaven", "University of Easthaven", "academic", "United States", 2016, weight=4),
    _Partner("kingsbridge", "Kingsbridge Institute of Neurogenetics", "academic", "United Kingdom", 2016, weight=3.5),
    _Partner("aurele", "Hôpital Saint-Aurèle", "academic", "France", 2017, weight=3),
    _Partner("brendan", "St. Brendan's Children's Hospital", "academic", "Ireland", 2016, weight=3),
    _Partner("valdemar", "Universidad de Valdemar", "academic", "Spain", 2019, weight=2),
    _Partner("northfield", "Northfield School of Medicine", "academic", "United States", 2018, weight=2),
    _Partner("rhinegard", "Rhinegard University Medical Center", "academic", "Germany", 2020, weight=2),
    _Partner("maplecrest", "Maplecrest Children's Research Institute", "academic", "Canada", 2021, weight=1.5),
    _Partner("hoshino", "Hoshino Institute of Respiratory Medicine", "academic", "Japan", 2023, weight=1),
    _Partner("oopr", "Office of Orphan Product Review", "regulator", "United States", 2016, weight=1.5),
    _Partner("cmea", "Continental Medicines Evaluation Agency", "regulator", "Netherlands", 2017, weight=1.2),
    _Partner("mda", "Medicines & Devices Authority", "regulator", "United Kingdom", 2019, weight=1),
    _Partner("nird", "National Institute for Rare Disorders", "government", "United States", 2017, weight=1),
    _Partner("rdrf", "Rare Disease Research Fund, Department of Health", "government", "Australia", 2021, weight=0.8),
    _Partner("hartwell", "Hartwell Family Foundation", "foundation", "United States", 2016, weight=1.5),
    _Partner("aurora", "Aurora Children's Research Trust", "foundation", "United Kingdom", 2018, weight=1.2),
    _Partner(
        "blueheron",
        "Blue Heron Charitable Foundation",
        "foundation",
        "United States",
        2020,
        weight=0.8,
        confidential=True,
    ),
    _Partner("ofn", "Ondine Families Network", "patient_org", "United States", 2016, weight=3),
    _Partner("rba", "Rare Breath Alliance", "patient_org", "United Kingdom", 2017, weight=2),
    _Partner("ossa", "Ondine Syndrome Society of Australia", "patient_org", "Australia", 2019, weight=1.5),
    _Partner("aoe", "Asociación Ondina España", "patient_org", "Spain", 2021, weight=1.2),
    _Partner("registry", "Ondine Registry Consortium", "other", "Netherlands", 2017, weight=2),
    _Partner("brightline", "Brightline Data Commons", "other", "United States", 2019, weight=1.5),
    _Partner("compass", "Compass Health Analytics", "other", "Canada", 2022, weight=1),
)

# (partner, title, kind, start year, end year or None, ip_agreement, precompetitive)
_PARTNERSHIPS = (
    ("veltrana", "Natural history collaboration", "research_investment", 2016, None, "signed", True),
    ("veltrana", "Patient advisory programme", "experiential", 2016, None, "not_applicable", False),
    ("veltrana", "VLT-214 trial design partnership", "research_investment", 2018, 2024, "signed", False),
    ("corvane", "Gene therapy research agreement", "research_investment", 2016, 2020, "signed", False),
    ("corvane", "Community education sponsorship", "content_engagement", 2017, 2020, "not_applicable", False),
    ("oristen", "Listening programme", "experiential", 2017, 2019, "not_applicable", False),
    ("oristen", "Antisense research alliance", "research_investment", 2018, None, "signed", False),
    ("nordvik", "Registry data access agreement", "research_investment", 2019, None, "in_negotiation", True),
    ("castrelle", "Confidential research collaboration", "research_investment", 2020, None, "in_negotiation", False),
    ("arbor", "Living with Ondine education series", "content_engagement", 2021, None, "not_applicable", False),
    ("arbor", "Biomarker discovery study", "research_investment", 2023, None, "none", False),
    ("quillonix", "Respiratory drive target validation", "research_investment", 2019, None, "signed", False),
    ("brightmere", "Gene editing research agreement", "research_investment", 2021, None, "signed", False),
    ("sableford", "Drug repurposing collaboration", "research_investment", 2019, None, "signed", False),
    ("meridel", "mRNA replacement feasibility study", "research_investment", 2022, None, "in_negotiation", False),
    ("tidewell", "Patient experience programme", "experiential", 2023, None, "not_applicable", False),
    ("tesselon", "Newborn screening pilot", "research_investment", 2018, 2023, "signed", True),
    ("kestrane", "Diaphragm pacing development agreement", "research_investment", 2019, None, "signed", False),
    ("lodevane", "Symptom diary app co-design", "content_engagement", 2022, None, "not_applicable", False),
    ("pinnacrest", "Natural history study operations", "research_investment", 2018, 2022, "none", False),
    ("harrowgate", "Registry operations contract", "research_investment", 2021, None, "not_applicable", False),
    ("easthaven", "Ondine natural history study", "research_investment", 2016, None, "signed", True),
    ("kingsbridge", "Respiratory control biology programme", "research_investment", 2016, None, "signed", True),
    ("brendan", "Clinical care network", "experiential", 2016, None, "not_applicable", False),
    ("aurele", "European registry node", "research_investment", 2017, None, "signed", True),
    ("northfield", "Ondine research fellowship", "research_investment", 2018, 2021, "signed", False),
    ("valdemar", "Spanish-language education materials", "content_engagement", 2019, None, "not_applicable", False),
    ("rhinegard", "Biomarker discovery consortium", "research_investment", 2020, None, "in_negotiation", True),
    ("oopr", "Patient-focused drug development engagement", "experiential", 2017, None, "not_applicable", True),
    ("cmea", "Patient input to scientific advice", "experiential", 2018, None, "not_applicable", True),
    ("nird", "Co-funded natural history grant", "research_investment", 2017, 2022, "not_applicable", True),
    ("hartwell", "Family education days", "content_engagement", 2016, None, "not_applicable", False),
    ("aurora", "Joint research fellowship", "research_investment", 2018, None, "none", False),
    ("ofn", "Community outreach alliance", "experiential", 2016, None, "not_applicable", False),
    ("registry", "Registry governance agreement", "research_investment", 2017, None, "signed", True),
    ("brightline", "Open data sharing agreement", "research_investment", 2019, None, "signed", True),
    ("compass", "Burden of illness analysis", "content_engagement", 2022, 2024, "not_applicable", False),
)

# (name, partners, modality, patient_insights, [(milestone, year, note)])
_PROGRAMS = (
    (
        "VLT-214 respiratory drive modulator",
        ("veltrana", "easthaven", "pinnacrest"),
        "small molecule",
        True,
        (
            ("target_validated", 2016, "Target confirmed in registry-derived cell lines"),
            ("candidate_nominated", 2017, "VLT-214 selected as development candidate"),
            ("ind_cleared", 2018, "Endpoints shaped by the 2018 PFDD meeting"),
            ("phase1_started", 2018, "First healthy volunteer dosed"),
            ("phase2_started", 2020, "Decentralised visits requested by families"),
            ("phase3_started", 2021, "Night-time ventilation hours as primary endpoint"),
            ("submission_filed", 2023, ""),
            ("approval", 2024, "First approved therapy for Ondine syndrome"),
            ("label_expansion", 2025, "Extended to children aged 2 and over"),
        ),
    ),
    (
        "CVB-201 AAV gene therapy",
        ("corvane", "kingsbridge"),
        "gene therapy",
        True,
        (
            ("target_validated", 2016, ""),
            ("candidate_nominated", 2017, "Capsid selected"),
            ("ind_cleared", 2019, ""),
            ("phase1_started", 2019, "Programme later discontinued by the sponsor"),
        ),
    ),
    (
        "ORS-88 antisense oligonucleotide",
        ("oristen", "kingsbridge", "aurele"),
        "antisense oligonucleotide",
        True,
        (
            ("target_validated", 2018, ""),
            ("candidate_nominated", 2019, ""),
            ("ind_cleared", 2021, ""),
            ("phase1_started", 2021, "Dosing schedule adapted after advisory board"),
            ("phase2_started", 2023, ""),
            ("phase3_started", 2025, "Registry used as external control"),
        ),
    ),
    (
        "ONDX newborn screening assay",
        ("tesselon", "brendan"),
        "diagnostic",
        True,
        (
            ("candidate_nominated", 2019, "Assay design locked"),
            ("submission_filed", 2022, ""),
            ("approval", 2023, "Cleared for newborn screening laboratories"),
            ("guideline_adopted", 2025, "Added to regional newborn screening panels"),
        ),
    ),
    (
        "Adaptive diaphragm pacing system",
        ("kestrane", "rhinegard"),
        "medical device",
        True,
        (
            ("candidate_nominated", 2019, ""),
            ("ind_cleared", 2020, "Investigational device exemption granted"),
            ("phase3_started", 2022, "Pivotal study"),
            ("submission_filed", 2025, ""),
        ),
    ),
    (
        "SBF-03 repurposed respiratory stimulant",
        ("sableford", "valdemar"),
        "small molecule (repurposed)",
        False,
        (
            ("target_validated", 2019, ""),
            ("phase2_started", 2021, "Repurposing allowed a direct phase 2 start"),
        ),
    ),
    (
        "BMG-12 gene editing programme",
        ("brightmere", "easthaven"),
        "gene editing",
        True,
        (
            ("target_validated", 2021, ""),
            ("candidate_nominated", 2023, ""),
            ("ind_cleared", 2025, ""),
        ),
    ),
    (
        "Ondine standards of care consensus",
        ("aurele", "brendan", "ofn", "rba"),
        "clinical guideline",
        True,
        (
            ("guideline_adopted", 2021, "First international care guideline"),
            ("guideline_adopted", 2025, "Updated to include VLT-214"),
        ),
    ),
)

_ENGAGEMENTS_PER_YEAR = {
    2016: 60,
    2017: 80,
    2018: 100,
    2019: 120,
    2020: 130,
    2021: 150,
    2022: 170,
    2023: 190,
    2024: 230,
    2025: 270,
}
_PUBLICATIONS_PER_YEAR = {
    2016: 8,
    2017: 11,
    2018: 15,
    2019: 19,
    2020: 22,
    2021: 26,
    2022: 30,
    2023: 34,
    2024: 39,
    2025: 46,
}
# Inbound and outbound money per year, and the anchor pharma partner's share of inbound.
_INBOUND_BUDGET = {
    2016: 0.9e6,
    2017: 1.3e6,
    2018: 1.8e6,
    2019: 2.2e6,
    2020: 2.4e6,
    2021: 2.9e6,
    2022: 3.4e6,
    2023: 4.0e6,
    2024: 4.6e6,
    2025: 5.2e6,
}
_OUTBOUND_BUDGET = {
    2016: 0.3e6,
    2017: 0.45e6,
    2018: 0.6e6,
    2019: 0.75e6,
    2020: 0.8e6,
    2021: 1.0e6,
    2022: 1.2e6,
    2023: 1.4e6,
    2024: 1.6e6,
    2025: 1.8e6,
}
_ANCHOR, _ANCHOR_SHARE = (
    "veltrana",
    {
        2016: 0.72,
        2017: 0.64,
        2018: 0.52,
        2019: 0.44,
        2020: 0.36,
        2021: 0.30,
        2022: 0.25,
        2023: 0.21,
        2024: 0.18,
        2025: 0.15,
    },
)
_PFDD = {
    2018: (
        "Externally-led Patient-Focused Drug Development meeting on Ondine syndrome",
        ("oopr", "veltrana", "corvane", "oristen", "easthaven", "ofn"),
        142,
        63,
    ),
    2023: (
        "PFDD follow-up meeting: benefit-risk priorities of families",
        ("oopr", "cmea", "mda", "veltrana", "oristen", "nordvik", "arbor", "kingsbridge", "ofn", "rba"),
        211,
        86,
    ),
}

_TITLES = {
    "listening_session": (
        "Listening session: daily life with Ondine syndrome",
        "Listening session: night-time ventilation and sleep",
        "Listening session: caregiver burden",
        "Listening session: what matters most in a treatment",
        "Listening session: transition from paediatric to adult care",
        "Listening session: taking part in clinical trials",
        "Listening session: school, work and social life",
        "Listening session: adults living with Ondine syndrome",
    ),
    "advisory_board": (
        "Patient advisory board: trial endpoints",
        "Patient advisory board: informed consent materials",
        "Patient advisory board: visit schedule burden",
        "Patient advisory board: home monitoring devices",
        "Patient advisory board: outcome measures",
        "Patient advisory board: recruitment and retention plan",
    ),
    "educational_content": (
        "Caregiver guide: emergency care planning",
        "Explainer video: how gene therapy works",
        "Newsletter feature: research roundup",
        "Fact sheet: anaesthesia and surgery",
        "Caregiver guide: ventilation at home",
        "Explainer video: what is a natural history study",
        "Fact sheet: Ondine syndrome for schools",
    ),
    "webinar": (
        "Webinar: what's new in Ondine research",
        "Webinar: joining a clinical trial",
        "Webinar: sleep, ventilation and school",
        "Webinar: registry update for families",
        "Webinar: understanding gene therapy",
        "Webinar: ask the clinicians",
    ),
    "data_sharing": (
        "Registry data release",
        "Natural history dataset transfer",
        "Survey results shared: treatment priorities",
        "Survey results shared: caregiver burden",
        "Patient preference study data shared",
    ),
    "site_visit": (
        "Site visit: laboratory tour",
        "Site visit: clinical research unit",
        "Site visit: manufacturing facility",
        "Site visit: sleep laboratory",
    ),
    "other": (
        "Partnership review meeting",
        "Conference booth: rare disease day",
        "Joint press briefing",
        "Strategy workshop",
    ),
}

# How likely each kind of partner is to take part in each type of engagement.
_SECTOR_PREFERENCE = {
    "listening_session": {"pharma": 5, "biotech": 5, "medtech": 3, "academic": 1.5, "regulator": 1, "cro": 0.5},
    "advisory_board": {"pharma": 5, "biotech": 5, "medtech": 4, "cro": 2, "academic": 1},
    "educational_content": {
        "patient_org": 4,
        "foundation": 3,
        "academic": 3,
        "pharma": 1.5,
        "biotech": 1,
        "medtech": 1,
        "government": 1,
        "other": 1,
    },
    "webinar": {
        "academic": 4,
        "patient_org": 3,
        "pharma": 2,
        "biotech": 2,
        "medtech": 1.5,
        "regulator": 1,
        "foundation": 1,
        "other": 1,
    },
    "data_sharing": {"academic": 4, "other": 4, "pharma": 2.5, "biotech": 2.5, "cro": 2, "medtech": 1, "government": 1},
    "site_visit": {"academic": 3, "pharma": 3, "biotech": 3, "medtech": 2, "cro": 2},
    "other": {s: 1 for s in SECTORS},
}
_STAGE_BY_SECTOR = {
    "industry": (2, 3, 4, 1.5, 0.5),
    "regulator": (0, 0, 2, 5, 1),
    "patient_org": (1, 0, 2, 0, 3),
    "research": (5, 3, 2, 0.3, 1),
}
_PUBLICATION_TOPICS = (
    "Natural history of Ondine syndrome",
    "Caregiver-reported burden in Ondine syndrome",
    "Respiratory drive biomarkers in Ondine syndrome",
    "Patient preferences for treatment outcomes",
    "Sleep-disordered breathing in children with Ondine syndrome",
    "Genotype-phenotype correlations in Ondine syndrome",
    "Diaphragm pacing outcomes in Ondine syndrome",
    "Newborn screening for Ondine syndrome",
    "Quality of life in adults living with Ondine syndrome",
    "Anaesthesia management in Ondine syndrome",
    "Home ventilation practices in Ondine syndrome",
    "Transition to adult care in Ondine syndrome",
    "Cardiac rhythm in Ondine syndrome",
    "Neurodevelopmental outcomes in Ondine syndrome",
)
_PUBLICATION_DESIGNS = (
    "a cohort study",
    "a systematic review",
    "results from the Lumen registry",
    "a qualitative study",
    "a multicentre study",
    "a case series",
    "a survey of families",
    "a cross-sectional study",
)


def _day(rng: random.Random, year: int, first_month: int = 1, last_month: int = 12) -> date:
    lo = date(year, first_month, 1)
    hi = date(year + 1, 1, 1) if last_month == 12 else date(year, last_month + 1, 1)
    return lo + timedelta(days=rng.randrange((hi - lo).days))


def _weighted(rng: random.Random, items: list, weights: list[float]):
    return rng.choices(items, weights=weights)[0]


def _sample_weighted(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """Draws k distinct items, each draw in proportion to its weight."""
    items, weights, picked = list(items), list(weights), []
    for _ in range(min(k, len(items))):
        i = rng.choices(range(len(items)), weights=weights)[0]
        picked.append(items.pop(i))
        weights.pop(i)
    return picked


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


class _Story:
    """Builds the small sample, table by table, from one random generator."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.ids = {p.key: f"PTR-{i:03d}" for i, p in enumerate(_PARTNERS, 1)}
        self.by_key = {p.key: p for p in _PARTNERS}
        self.agreements: list[tuple[str, str, date, date | None]] = []  # (id, partner key, start, end)

    def active(self, year: int) -> list[_Partner]:
        return [p for p in _PARTNERS if p.first <= year <= p.last]

    def stage(self, partner: _Partner, year: int) -> str:
        group = (
            "industry"
            if partner.sector in INDUSTRY_SECTORS or partner.sector == "cro"
            else partner.sector
            if partner.sector in ("regulator", "patient_org")
            else "research"
        )
        i = year - FIRST_YEAR
        shift = (1.3 - 0.06 * i, 1.0, 0.8 + 0.06 * i, 0.6 + 0.12 * i, 0.5 + 0.15 * i)
        return _weighted(self.rng, list(STAGES), [w * s for w, s in zip(_STAGE_BY_SECTOR[group], shift, strict=True)])

    def agreement_for(self, key: str, day: date, chance: float) -> str:
        if self.rng.random() >= chance:
            return ""
        live = [a for a, k, start, end in self.agreements if k == key and start <= day and (end is None or day <= end)]
        return self.rng.choice(live) if live else ""

    def partners(self) -> list[dict]:
        return [
            {
                "partner_id": self.ids[p.key],
                "name": p.name,
                "sector": p.sector,
                "country": p.country,
                "confidential": _flag(p.confidential),
            }
            for p in _PARTNERS
        ]

    def partnerships(self) -> list[dict]:
        rows = []
        for i, (key, title, kind, start_year, end_year, ip, precompetitive) in enumerate(_PARTNERSHIPS, 1):
            start = _day(self.rng, start_year, 1, 9 if start_year == end_year else 12)
            end = None
            if end_year is not None:
                end = _day(self.rng, end_year)
                if end < start:
                    end = start + timedelta(days=self.rng.randint(30, 90))
            ident = f"AGR-{i:03d}"
            self.agreements.append((ident, key, start, end))
            rows.append(
                {
                    "partnership_id": ident,
                    "partner_id": self.ids[key],
                    "title": title if self.by_key[key].confidential else f"{self.by_key[key].name}: {title}",
                    "kind": kind,
                    "start_date": start.isoformat(),
                    "end_date": end.isoformat() if end else "",
                    "ip_agreement": ip,
                    "precompetitive": _flag(precompetitive),
                }
            )
        return rows

    def programs(self) -> tuple[list[dict], list[dict]]:
        programs, milestones = [], []
        for i, (name, keys, modality, insights, steps) in enumerate(_PROGRAMS, 1):
            ident = f"PRG-{i:02d}"
            programs.append(
                {
                    "program_id": ident,
                    "name": name,
                    "partner_ids": ";".join(self.ids[k] for k in keys),
                    "modality": modality,
                    "patient_insights": _flag(insights),
                }
            )
            days: list[date] = []
            for year in sorted({y for _, y, _ in steps}):
                n = sum(1 for _, y, _ in steps if y == year)
                offsets = sorted(self.rng.sample(range(365), n))
                days.extend(date(year, 1, 1) + timedelta(days=o) for o in offsets)
            for (kind, _, note), day in zip(steps, days, strict=True):
                milestones.append(
                    {"milestone_id": "", "program_id": ident, "date": day.isoformat(), "milestone": kind, "note": note}
                )
        milestones.sort(key=lambda r: r["date"])
        for i, row in enumerate(milestones, 1):
            row["milestone_id"] = f"MS-{i:03d}"
        return programs, milestones

    def engagement(self, year: int, kind: str, keys: list[str], day: date, title: str) -> dict:
        rng, i = self.rng, year - FIRST_YEAR
        lead = self.by_key[keys[0]]
        industry = any(self.by_key[k].sector in INDUSTRY_SECTORS for k in keys)
        attendees: int | None
        patients: int | None
        if kind == "listening_session":
            patients = rng.randint(3, 24)
            attendees = patients + rng.randint(2, 8)
        elif kind == "advisory_board":
            patients = rng.randint(2, 8)
            attendees = patients + rng.randint(3, 10)
        elif kind == "educational_content":
            attendees = None if rng.random() < 0.7 else rng.randint(20, 400)
            patients = _weighted(rng, [0, None, rng.randint(1, 5)], [5, 3, 2])
        elif kind == "webinar":
            attendees = int(rng.randint(30, 150) * (1 + 0.1 * i))
            patients = int(attendees * rng.uniform(0.4, 0.7))
        elif kind == "data_sharing":
            attendees = None if rng.random() < 0.6 else rng.randint(2, 8)
            patients = 0
        elif kind == "site_visit":
            attendees = rng.randint(3, 14)
            patients = 0 if rng.random() < 0.7 else rng.randint(1, min(4, attendees))
        else:
            attendees = None if rng.random() < 0.4 else rng.randint(2, 20)
            patients = 0
        if patients is not None and rng.random() < 0.05:
            patients = None
        if kind in ("listening_session", "advisory_board"):
            chance = min(0.97, 0.7 + 0.035 * i) if industry else 0.35
        elif kind == "educational_content":
            chance = 0.3 if industry else 0.1
        else:
            chance = 0.6 + 0.035 * i if industry else 0.15
        blank_stage = 0.35 if kind == "educational_content" else 0.12
        return {
            "engagement_id": "",
            "date": day.isoformat(),
            "type": kind,
            "partner_ids": ";".join(self.ids[k] for k in keys),
            "title": title,
            "partnership_id": self.agreement_for(keys[0], day, 0.6),
            "stage": "" if rng.random() < blank_stage else self.stage(lead, year),
            "attendees": _count(attendees),
            "patient_participants": _count(patients),
            "insights_shared": _flag(rng.random() < chance),
        }

    def convening(
        self, kind: str, title: str, keys: list[str], day: date, attendees: int, patients: int, stage: str
    ) -> dict:
        keys = sorted(keys, key=self.ids.__getitem__)
        return {
            "engagement_id": "",
            "date": day.isoformat(),
            "type": kind,
            "partner_ids": ";".join(self.ids[k] for k in keys),
            "title": title,
            "partnership_id": "",
            "stage": stage,
            "attendees": str(attendees),
            "patient_participants": str(patients),
            "insights_shared": "true",
        }

    def retreat(self, year: int) -> dict:
        rng, i, active = self.rng, year - FIRST_YEAR, self.active(year)

        def some(sectors: tuple[str, ...], lo: int, hi: int) -> list[str]:
            pool = [p for p in active if p.sector in sectors]
            return [p.key for p in _sample_weighted(rng, pool, [p.weight for p in pool], rng.randint(lo, hi))]

        keys = (
            some(INDUSTRY_SECTORS, 2, 4)
            + some(("regulator",), 1, 2)
            + some(("academic",), 2, 4)
            + some(("patient_org",), 1, 2)
            + some(("foundation",), 0, 1)
        )
        title = f"Annual Ondine Scientific Retreat {year}" + (" (virtual)" if year == 2020 else "")
        attendees = 60 + 12 * i + rng.randint(-15, 15)
        patients = 12 + 2 * i + rng.randint(-5, 5)
        return self.convening("scientific_retreat", title, keys, _day(rng, year, 9, 10), attendees, patients, "")

    def engagements(self) -> list[dict]:
        rng, rows = self.rng, []
        for year in YEARS:
            i, active = year - FIRST_YEAR, self.active(year)
            batch = [self.retreat(year)]
            if year in _PFDD:
                title, keys, attendees, patients = _PFDD[year]
                batch.append(
                    self.convening(
                        "pfdd_meeting", title, list(keys), _day(rng, year, 3, 6), attendees, patients, "regulatory"
                    )
                )
            for p in active:
                if p.first == year and year > FIRST_YEAR:
                    batch.append(self.engagement(year, "other", [p.key], _day(rng, year, 1, 4), "Introductory meeting"))
            kinds = list(_SECTOR_PREFERENCE)
            kind_weights = {
                "listening_session": 13,
                "advisory_board": 12 + 0.5 * i,
                "educational_content": 16,
                "webinar": 5 + 2 * i + (8 if year == 2020 else 0),
                "data_sharing": 6 + 1.2 * i,
                "site_visit": 12 - (8 if year in (2020, 2021) else 0),
                "other": 8,
            }
            while len(batch) < _ENGAGEMENTS_PER_YEAR[year]:
                kind = _weighted(rng, kinds, [kind_weights[k] for k in kinds])
                prefs = _SECTOR_PREFERENCE[kind]
                pool = [p for p in active if prefs.get(p.sector, 0) > 0]
                lead = _weighted(rng, pool, [p.weight * prefs[p.sector] for p in pool])
                extra = _weighted(rng, [0, 1, 2], [70, 23, 7])
                others = [p for p in active if p is not lead]
                keys = [lead.key] + [p.key for p in _sample_weighted(rng, others, [p.weight for p in others], extra)]
                title = rng.choice(_TITLES[kind])
                if kind == "data_sharing" and title == "Registry data release":
                    title = f"Registry data release {year}"
                batch.append(self.engagement(year, kind, keys, _day(rng, year), title))
            rows.extend(batch)
        rows.sort(key=lambda r: r["date"])
        for i, row in enumerate(rows, 1):
            row["engagement_id"] = f"ENG-{i:04d}"
        return rows

    def _split(self, total: float, typical: float) -> list[float]:
        """Splits an amount into a few records of roughly `typical` size, rounded to 50."""
        k = max(1, min(6, round(total / typical + self.rng.uniform(-0.5, 0.5))))
        parts = [self.rng.gammavariate(2.0, 1.0) for _ in range(k)]
        scale = total / sum(parts)
        return [max(500.0, round(p * scale / 50) * 50) for p in parts]

    def funding(self) -> list[dict]:
        rng, rows = self.rng, []
        inbound_weight = {"pharma": 3, "biotech": 2, "medtech": 1.5, "foundation": 1.5, "government": 2}
        inbound_purposes = {
            "industry": (
                [
                    "sponsorship",
                    "event",
                    "research_grant",
                    "natural_history_study",
                    "registry",
                    "education",
                    "trial_support",
                ],
                [4, 3, 3, 3, 2, 2, 1],
            ),
            "foundation": (["research_grant", "education", "event"], [5, 3, 1]),
            "government": (["research_grant", "natural_history_study", "registry"], [3, 3, 2]),
        }
        outbound_weight = {"academic": 4, "cro": 1.5, "patient_org": 1, "other": 1}
        outbound_purposes = {
            "academic": (["research_grant", "natural_history_study", "registry"], [6, 3, 1]),
            "cro": (["trial_support", "registry", "natural_history_study"], [2, 2, 2]),
            "patient_org": (["education", "event", "other"], [3, 2, 1]),
            "other": (["registry", "research_grant", "other"], [3, 1, 1]),
        }

        def record(year: int, key: str, direction: str, amount: float, purposes: tuple[list, list]) -> dict:
            day = _day(rng, year)
            partner = self.by_key[key]
            purpose = _weighted(rng, *purposes)
            stage = (
                ""
                if purpose in ("event", "education", "sponsorship") and rng.random() < 0.5
                else ("" if rng.random() < 0.1 else self.stage(partner, year))
            )
            return {
                "funding_id": "",
                "date": day.isoformat(),
                "partner_id": self.ids[key],
                "direction": direction,
                "amount": f"{amount:.2f}",
                "currency": "" if rng.random() < 0.15 else "USD",
                "partnership_id": self.agreement_for(key, day, 0.5),
                "purpose": purpose,
                "stage": stage,
            }

        for year in YEARS:
            active = self.active(year)
            funders = [p for p in active if p.sector in inbound_weight and p.key != _ANCHOR]
            weights = [inbound_weight[p.sector] * rng.uniform(0.6, 1.4) for p in funders]
            share = _ANCHOR_SHARE[year]
            budget = _INBOUND_BUDGET[year] * rng.uniform(0.93, 1.07)
            allocation = [(_ANCHOR, budget * share)] + [
                (p.key, budget * (1 - share) * w / sum(weights)) for p, w in zip(funders, weights, strict=True)
            ]
            for key, total in allocation:
                sector = self.by_key[key].sector
                group = "industry" if sector in INDUSTRY_SECTORS else sector
                for amount in self._split(total, 110_000):
                    rows.append(record(year, key, "inbound", amount, inbound_purposes[group]))
            grantees = [p for p in active if p.sector in outbound_weight]
            weights = [outbound_weight[p.sector] * p.weight * rng.uniform(0.5, 1.5) for p in grantees]
            budget = _OUTBOUND_BUDGET[year] * rng.uniform(0.93, 1.07)
            for p, w in zip(grantees, weights, strict=True):
                for amount in self._split(budget * w / sum(weights), 80_000):
                    rows.append(record(year, p.key, "outbound", amount, outbound_purposes[p.sector]))
        rows.sort(key=lambda r: r["date"])
        for i, row in enumerate(rows, 1):
            row["funding_id"] = f"FUN-{i:04d}"
        return rows

    def publications(self) -> list[dict]:
        rng, rows = self.rng, []
        for year in YEARS:
            i, active = year - FIRST_YEAR, self.active(year)
            academics = [p for p in active if p.sector == "academic"]
            industry = [p for p in active if p.sector in INDUSTRY_SECTORS]
            everyone = [p for p in active if p.sector not in ("regulator",)]
            items = []
            for _ in range(_PUBLICATIONS_PER_YEAR[year]):
                day = _day(rng, year)
                report = rng.random() < 0.08
                keys: list[str] = []
                if rng.random() >= 0.05:
                    first = _sample_weighted(rng, academics, [p.weight for p in academics], 1)[0]
                    keys.append(first.key)
                    if rng.random() < 0.2 + 0.03 * i:
                        keys.append(_sample_weighted(rng, industry, [p.weight for p in industry], 1)[0].key)
                    others = [p for p in everyone if p.key not in keys]
                    extra = _weighted(rng, [0, 1, 2], [55, 35, 10])
                    keys += [p.key for p in _sample_weighted(rng, others, [p.weight for p in others], extra)]
                completed = ""
                if rng.random() >= 0.1:
                    lag = max(60, round(rng.gauss(470 - 27 * i, 70)))
                    completed = (day - timedelta(days=lag)).isoformat()
                age = (date(LAST_YEAR, 12, 31) - day).days / 365.25
                citations = None if rng.random() < 0.05 else int(rng.expovariate(1 / (1 + 6 * age)))
                if report:
                    title = f"Community report: {rng.choice(_PUBLICATION_TOPICS).lower()}"
                else:
                    title = f"{rng.choice(_PUBLICATION_TOPICS)}: {rng.choice(_PUBLICATION_DESIGNS)}"
                items.append(
                    {
                        "publication_id": "",
                        "title": title,
                        "published_date": day.isoformat(),
                        "doi": "",
                        "partner_ids": ";".join(self.ids[k] for k in keys),
                        "partnership_id": self.agreement_for(keys[0], day, 0.4) if keys else "",
                        "study_completed_date": completed,
                        "peer_reviewed": _flag(not report),
                        "open_access": _flag(report or rng.random() < 0.35 + 0.06 * i),
                        "lay_summary": _flag(rng.random() < 0.15 + 0.07 * i),
                        "citations": _count(0 if report and citations is not None else citations),
                    }
                )
            items.sort(key=lambda r: r["published_date"])
            seq = 0
            for item in items:
                if item["peer_reviewed"] == "true":
                    seq += 1
                    item["doi"] = f"{DOI_PREFIX}/lumen.{year}.{seq:03d}"
            rows.extend(items)
        for i, row in enumerate(rows, 1):
            row["publication_id"] = f"PUB-{i:04d}"
        return rows


def generate(seed: int = 42) -> dict[str, list[dict]]:
    """Returns the small sample as CSV-ready rows per table, the same rows for the same seed."""
    story = _Story(seed)
    tables = {"partners": story.partners(), "partnerships": story.partnerships()}
    tables["programs"], milestones = story.programs()
    tables["engagements"] = story.engagements()
    tables["funding"] = story.funding()
    tables["publications"] = story.publications()
    tables["milestones"] = milestones
    return {name: tables[name] for name in TABLE_ORDER}


def write_csvs(out_dir: Path, seed: int = 42) -> list[Path]:
    """Writes the small sample as one CSV per table into out_dir; returns the paths in import order."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in generate(seed).items():
        path = out_dir / f"{name}.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=TABLES[name].column_names, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        paths.append(path)
    return paths
