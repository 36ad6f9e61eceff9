"""What every source shares: what the database already holds (Known), how names and grant numbers are compared,
the mapping files, and the Source protocol that store/sources/__init__.py lists the sources by."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Protocol

import duckdb

from store.readers import RawTable, decode

MAPPINGS = Path(__file__).parent / "mappings"
CONTRACT = "contract"  # the format name of a file in the contract's own layout (to overrule a recognised source)


@dataclass
class Known:
    """What the database already holds that a source's records are matched with."""

    publications_by_doi: dict[str, str] = field(default_factory=dict)  # DOI, lower case -> publication_id
    publications: dict[str, dict] = field(default_factory=dict)  # publication_id -> partner_ids, partnership_id
    funding: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # grant key -> partner, partnership
    partners: dict[str, str] = field(default_factory=dict)  # partner_id -> name
    partners_by_name: dict[str, str] = field(default_factory=dict)  # name, folded -> partner_id
    # ClinicalTrials.gov
    programs: dict[str, dict] = field(default_factory=dict)  # program_id -> name, partner_ids (as stored)
    trial_programs: dict[str, str] = field(default_factory=dict)  # NCT id -> program_id, as chosen on the Data page
    # CRM: what the CRM exports read earlier in the same import tell the later ones (never loaded from the database)
    crm_individual_accounts: set[str] = field(default_factory=set)  # Salesforce ids of households' accounts
    crm_funding_requests: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # request id ->
    # its partner_id, or None and why it has none

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection) -> Known:
        known = cls()
        for pid, doi, partners, partnership in con.execute(
            "SELECT p.publication_id, p.doi, coalesce(list(pp.partner_id ORDER BY pp.partner_id) "
            "FILTER (WHERE pp.partner_id IS NOT NULL), []), p.partnership_id FROM publications AS p "
            "LEFT JOIN publication_partners AS pp USING (publication_id) GROUP BY ALL"
        ).fetchall():
            known.publications[pid] = {"partner_ids": list(partners), "partnership_id": partnership}
            if doi:
                known.publications_by_doi[doi.strip().lower()] = pid
        for funding_id, partner_id, partnership_id in con.execute(
            "SELECT funding_id, partner_id, partnership_id FROM funding"
        ).fetchall():
            known.funding[grant_key(funding_id)] = (partner_id, partnership_id)
        for partner_id, name in con.execute("SELECT partner_id, name FROM partners").fetchall():
            known.partners[partner_id] = name
            known.partners_by_name.setdefault(fold(name), partner_id)
        # ClinicalTrials.gov
        for program_id, name, partners in con.execute(
            "SELECT p.program_id, p.name, coalesce(list(pp.partner_id ORDER BY pp.partner_id) "
            "FILTER (WHERE pp.partner_id IS NOT NULL), []) FROM programs AS p "
            "LEFT JOIN program_partners AS pp USING (program_id) GROUP BY ALL"
        ).fetchall():
            known.programs[program_id] = {"name": name, "partner_ids": list(partners)}
        return known


def grant_key(text: str) -> str:
    """A grant number as it is compared: case, spaces and dashes do not count ("R01 NS-012345" = "r01ns012345")."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def fold(name: str) -> str:
    """A name as it is compared: case and runs of spaces do not count."""
    return " ".join(name.casefold().split())


@cache
def mapping(name: str) -> dict:
    """A source's mapping file: which of its fields becomes which contract column, and its values' enum values."""
    with open(MAPPINGS / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh)


class Source(Protocol):
    name: str  # as --format names it
    title: str  # as a person knows it: "PubMed (MEDLINE format)"
    where: str  # where in that system a person clicks to get the file (a mapping of one's own has none)

    def recognises(self, path: Path, head: str) -> bool:
        """Whether the file is in this source's layout (head: its first few thousand characters, decoded)."""

    def read(self, path: Path, label: str, known: Known) -> list[RawTable]:
        """The file's records as contract tables; FileProblem when it cannot be read at all."""


def head_of(path: Path, size: int = 8192) -> str:
    with open(path, "rb") as fh:
        return decode(fh.read(size)).text
