"""Filters restrict the records the catalogue sees; the metric definitions then apply unchanged.

Each filter keeps the records that carry it:
- sector (and partner): the partners of those sectors, and the records that involve one of them
  (a milestone through its program's partners);
- partnership kind: the records that belong to a partnership of that kind;
- R&D stage: the records at that stage (a milestone at the stage its kind names).
A record that cannot carry a filter while it is on (a publication has no stage, a milestone belongs
to no partnership) is left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from contract import PARTNERSHIP_KINDS, SECTORS, STAGES


@dataclass(frozen=True)
class Filters:
    """Sectors, partnership kinds, R&D stages and partners to keep; empty means all."""

    sectors: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name, values, allowed in (
            ("sector", self.sectors, SECTORS),
            ("partnership kind", self.kinds, PARTNERSHIP_KINDS),
            ("stage", self.stages, STAGES),
        ):
            unknown = [v for v in values if v not in allowed]
            if unknown:
                raise ValueError(f"unknown {name} {unknown[0]!r}; choose from {', '.join(allowed)}")

    @property
    def active(self) -> bool:
        return bool(self.sectors or self.kinds or self.stages or self.partners)

    def describe(self) -> str:
        """The filters in words, for captions and exports ("" when none)."""
        parts = []
        if self.sectors:
            parts.append("sector " + ", ".join(s.replace("_", " ") for s in self.sectors))
        if self.kinds:
            parts.append("partnership kind " + ", ".join(k.replace("_", " ") for k in self.kinds))
        if self.stages:
            parts.append("R&D stage " + ", ".join(self.stages))
        if self.partners:
            parts.append("partner " + ", ".join(self.partners))
        return "; ".join(parts)


def relations(filters: Filters) -> tuple[list[tuple[str, str]], dict[str, list]]:
    """The common table expressions that shadow each table with its filtered rows, and their parameters."""
    if not filters.active:
        return [], {}
    ctes: list[tuple[str, str]] = []
    params: dict[str, list] = {}
    by_partner = bool(filters.sectors or filters.partners)
    if by_partner:
        keep = []
        if filters.sectors:
            keep.append("sector IN (SELECT unnest($sectors))")
            params["sectors"] = list(filters.sectors)
        if filters.partners:
            keep.append("partner_id IN (SELECT unnest($partner_ids))")
            params["partner_ids"] = list(filters.partners)
        ctes.append(("partners", f"SELECT * FROM partners WHERE {' AND '.join(keep)}"))
        for link in ("engagement_partners", "publication_partners", "program_partners"):
            ctes.append((link, f"SELECT * FROM {link} WHERE partner_id IN (SELECT partner_id FROM partners)"))
    if filters.kinds:
        params["kinds"] = list(filters.kinds)
        ctes.append(
            ("kind_partnerships", "SELECT partnership_id FROM partnerships WHERE kind IN (SELECT unnest($kinds))")
        )
    if filters.stages:
        params["stages"] = list(filters.stages)

    def table(name: str, conditions: list[str]) -> None:
        ctes.append((name, f"SELECT * FROM {name} WHERE " + "\n    AND ".join(conditions or ["TRUE"])))

    in_kind = "partnership_id IN (SELECT partnership_id FROM kind_partnerships)"
    in_stage = "stage IN (SELECT unnest($stages))"
    no_stage, no_kind = "FALSE /* carries no stage */", "FALSE /* belongs to no partnership */"
    table(
        "engagements",
        [
            *(["engagement_id IN (SELECT engagement_id FROM engagement_partners)"] if by_partner else []),
            *([in_kind] if filters.kinds else []),
            *([in_stage] if filters.stages else []),
        ],
    )
    table(
        "funding",
        [
            *(["partner_id IN (SELECT partner_id FROM partners)"] if by_partner else []),
            *([in_kind] if filters.kinds else []),
            *([in_stage] if filters.stages else []),
        ],
    )
    table(
        "publications",
        [
            *(["publication_id IN (SELECT publication_id FROM publication_partners)"] if by_partner else []),
            *([in_kind] if filters.kinds else []),
            *([no_stage] if filters.stages else []),
        ],
    )
    table(
        "partnerships",
        [
            *(["partner_id IN (SELECT partner_id FROM partners)"] if by_partner else []),
            *(["kind IN (SELECT unnest($kinds))"] if filters.kinds else []),
            *([no_stage] if filters.stages else []),
        ],
    )
    table(
        "programs",
        [
            *(["program_id IN (SELECT program_id FROM program_partners)"] if by_partner else []),
            *([no_kind] if filters.kinds else []),
        ],
    )
    table(
        "milestones",
        [
            *(["program_id IN (SELECT program_id FROM programs)"] if by_partner else []),
            *([no_kind] if filters.kinds else []),
            *(
                ["milestone IN (SELECT milestone FROM milestone_stages WHERE stage IN (SELECT unnest($stages)))"]
                if filters.stages
                else []
            ),
        ],
    )
    return ctes, params
