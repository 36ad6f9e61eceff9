"""Records as other systems export them: CRM exports, PubMed, ClinicalTrials.gov, read into the contract's tables.

A source reads a file in the layout its system writes (recognised by its content, or named with --format) into
RawTables of the contract's columns, so that the import goes on exactly as for the contract's own CSV files: the
same all-or-nothing write, the same FILE:ROW:COLUMN problems (ROW and COLUMN as the source's file has them), the
same history. What each source's fields become is in its mapping file (mappings/NAME.toml), which the Data page
shows; the README's "Bring your records" says it in words.

Some records are matched with what the database already holds (a paper already imported by its DOI, a grant
number that is one of the foundation's funding records, a trial a program follows): Known carries those.
"""

from __future__ import annotations

from pathlib import Path

from store.readers import FileProblem
from store.sources import clinicaltrials, custom, npsp, pubmed, raisers_edge
from store.sources.base import CONTRACT, MAPPINGS, Known, Source, fold, grant_key, head_of, mapping

# What the package has always offered, now kept in base.py so that the sources can import it without a circle.
__all__ = [
    "CONTRACT",
    "MAPPINGS",
    "Known",
    "Source",
    "fold",
    "grant_key",
    "head_of",
    "mapping",
    "source_for",
    "sources",
]


def sources(db_path: Path | str | None = None) -> dict[str, Source]:
    """Every source, by its --format name, in the order they are tried: ours, then the mappings saved for the
    database at db_path (store/sources/custom.py)."""
    found: list[Source] = [*npsp.SOURCES, raisers_edge.GIFTS, pubmed.MEDLINE, pubmed.CSV, clinicaltrials.CLINICALTRIALS]
    found.extend(custom.saved(db_path))
    return {s.name: s for s in found}


def source_for(
    path: Path, forced: str | None = None, db_path: Path | str | None = None, known: dict[str, Source] | None = None
) -> Source | None:
    """The source a file comes from: the one named (FileProblem for an unknown name; CONTRACT: the contract's own
    layout), else the one that recognises it, else None (a file in the contract's own layout). known: the sources
    as sources(db_path) lists them, when the caller has them already (an upload of many files lists them once)."""
    if forced == CONTRACT:
        return None
    known = sources(db_path) if known is None else known
    if forced:
        if forced not in known:
            raise FileProblem(f"there is no format {forced!r}; the formats are {', '.join([CONTRACT, *known])}")
        return known[forced]
    if not path.exists() or path.suffix.lower() not in (".csv", ".txt", ".nbib", ".json", ".tsv"):
        return None
    head = head_of(path)
    return next((s for s in known.values() if s.recognises(path, head)), None)
