"""Twin foundations for the pool-split test (shared/METRICS.md, community rule 6): two databases, built through the
import path, whose records differ only in how the "Other partners" pool's money is split among its members (same
members, same total, same named amounts, same dates); every community output of the one must equal the other's.

Each case is one of the attacks of issue 21, its money received in 2025 (every record in the second quarter, the
same day for the same partner in both twins, so that no quarter's total tells the splits apart):

- "index": the confidential C gives 512,345, pooled with the two smallest named funders A and B (over every funder
  the concentration index is 2,829.94, which with the named amounts and the pool's total gives C's money);
- "industry": the confidential pharma P, pooled with three small named funders of which F (a foundation, 50,000)
  is not industry (over every funder the industry share gives F's own 50,000).

The rest of the foundation (partners' engagements, publications, programs and milestones, grants, named funders'
money in 2024) comes from a seeded generator and is the same in both twins.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from community.rules import pool_partners
from contract import ENGAGEMENT_TYPES


@dataclass(frozen=True)
class Funder:
    """A partner that pays the foundation in 2025: its sector, whether it is confidential, and its money in each
    twin ("a" and "b"; the same for a funder outside the pool)."""

    name: str
    sector: str
    confidential: bool
    a: int
    b: int


CASES: dict[str, dict[str, Funder]] = {
    "index": {
        "C": Funder("Quartzite Holdings", "pharma", True, 512_345, 400_000),
        "A": Funder("Alder Trust", "foundation", False, 61_000, 100_000),
        "B": Funder("Bracken Labs", "biotech", False, 68_000, 141_345),
        "N1": Funder("Northfield University", "academic", False, 154_089, 154_089),
        "N2": Funder("Linden Medical", "medtech", False, 150_000, 150_000),
        "N3": Funder("Rowan Society", "patient_org", False, 150_000, 150_000),
    },
    "industry": {
        "P": Funder("Quartzite Pharma", "pharma", True, 390_000, 360_000),
        "M": Funder("Maple Devices", "medtech", False, 20_000, 10_000),
        "K": Funder("Kestrel Bio", "biotech", False, 30_000, 70_000),
        "F": Funder("Fernhill Foundation", "foundation", False, 50_000, 50_000),
        "I1": Funder("Ilex Pharma", "pharma", False, 300_000, 300_000),
        "I2": Funder("Iris Biotech", "biotech", False, 289_914, 289_914),
    },
}
OTHERS = {  # partners that pay nothing in 2025, the same in every case
    "U1": ("Westbrook University", "academic"),
    "R1": ("Medicines Agency", "regulator"),
    "O1": ("Ondine Families", "patient_org"),
}
SEED = 21


def pool(case: str, twin: str) -> frozenset[str]:
    """The partners the gate pools in 2025 for a twin (rules.pool_partners on the year's money)."""
    funders = CASES[case]
    return pool_partners((k, f.confidential, getattr(f, twin)) for k, f in funders.items()).members


def files(case: str, twin: str) -> dict[str, str]:
    """The CSVs of a twin: the case's funders and money, and the seeded rest."""
    funders = CASES[case]
    rng = random.Random(f"{SEED}-{case}")  # the same stream for both twins: only the money differs
    partners = ["partner_id,name,sector,country,confidential"]
    partners += [f"{k},{f.name},{f.sector},US,{str(f.confidential).lower()}" for k, f in funders.items()]
    partners += [f"{k},{name},{sector},US,false" for k, (name, sector) in OTHERS.items()]
    ids = [*funders, *OTHERS]
    funding = ["funding_id,date,partner_id,direction,amount,currency,partnership_id,purpose,stage"]
    for i, (k, f) in enumerate(funders.items()):
        day = date(2025, 4, 1) + timedelta(days=rng.randrange(91))
        funding.append(f"F{i},{day},{k},inbound,{getattr(f, twin)},USD,,research_grant,clinical")
        if not f.confidential and k not in pool(case, "a"):
            funding.append(f"G{i},2024-0{rng.randrange(1, 10)}-15,{k},inbound,{rng.randrange(5, 90) * 1000},USD,,,")
    funding.append(f"F90,2025-{rng.randrange(1, 13):02d}-10,U1,outbound,{rng.randrange(40, 400) * 1000},USD,,,")
    engagements = ["engagement_id,date,type,partner_ids,title,stage,attendees,patient_participants,insights_shared"]
    for i in range(24):
        day = date(2024, 1, 1) + timedelta(days=rng.randrange(730))
        who = ";".join(rng.sample(ids, rng.randrange(1, 4)))
        kind = rng.choice(sorted(ENGAGEMENT_TYPES))
        people, shared = rng.choice([0, 3, 14, 27, 60]), str(rng.random() < 0.5).lower()
        engagements.append(f"E{i},{day},{kind},{who},Meeting {i},clinical,{people + 5},{people},{shared}")
    publications = ["publication_id,title,published_date,doi,partner_ids,study_completed_date,open_access"]
    for i in range(8):
        day = date(2024, 3, 1) + timedelta(days=rng.randrange(640))
        who = ";".join(rng.sample(ids, rng.randrange(1, 3)))
        publications.append(f"B{i},Study {i},{day},10.5555/split.{i},{who},{day - timedelta(days=200)},true")
    programs = ["program_id,name,partner_ids,modality,patient_insights", f"PG1,Program one,{ids[0]};U1,device,true"]
    milestones = ["milestone_id,program_id,date,milestone,note", "M1,PG1,2025-06-01,target_validated,First step"]
    return {
        "partners": "\n".join(partners) + "\n",
        "funding": "\n".join(funding) + "\n",
        "engagements": "\n".join(engagements) + "\n",
        "publications": "\n".join(publications) + "\n",
        "programs": "\n".join(programs) + "\n",
        "milestones": "\n".join(milestones) + "\n",
    }


def build(folder: Path, case: str, twin: str) -> Path:
    """Writes a twin's files into folder, imports them, and returns the database (folder/foundation.duckdb)."""
    from store.importer import import_files

    funders = CASES[case]
    assert pool(case, "a") == pool(case, "b"), "the twins must pool the same partners"
    pooled = pool(case, "a")
    assert sum(funders[k].a for k in pooled) == sum(funders[k].b for k in pooled), "the same pool total"
    assert all(f.a == f.b for k, f in funders.items() if k not in pooled), "the same named amounts"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for table, text in files(case, twin).items():
        path = folder / f"{table}.csv"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    db = folder / "foundation.duckdb"
    result = import_files(db, paths)
    assert result.ok, [str(p) for p in result.problems]
    return db
