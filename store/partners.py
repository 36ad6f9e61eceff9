"""Edits of a partner made in the app: its sector and whether it is confidential, checked and kept like an import."""

from __future__ import annotations

from pathlib import Path

from contract import TABLES
from store import database, tables
from store.importer import ImportResult, Problem, Record, apply_records
from store.values import Invalid, parse_enum

EDITED = "edited in the app"


def edit_partner(
    db: Path | str,
    partner_id: str,
    *,
    sector: str | None = None,
    confidential: bool | None = None,
    by: str | None = None,
) -> ImportResult:
    """Changes a partner's sector and/or confidential flag in one write; the result's problems say what is wrong
    (nothing is written then), its changes what changed (none when the values were already so)."""
    values: dict[str, object] = {"partner_id": partner_id}
    problems: list[Problem] = []
    if sector is not None:
        try:
            values["sector"] = parse_enum(sector, TABLES["partners"].column("sector"))
        except Invalid as exc:
            problems.append(Problem(EDITED, 1, "sector", str(exc)))
    if confidential is not None:
        values["confidential"] = bool(confidential)
    with database.read(db) as con:
        if not tables.get(con, "partners", [partner_id]):
            problems.append(Problem(EDITED, 1, "partner_id", f"there is no partner {partner_id!r}"))
    record = Record("partners", EDITED, 1, values, {c: c for c in values})
    return apply_records(db, [record], problems, {"partners"}, [EDITED], by=by, what="edit")
