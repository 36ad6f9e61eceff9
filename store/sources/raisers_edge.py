"""Blackbaud Raiser's Edge NXT: a gift list exported as CSV, with the labels the web view writes ("Gift ID",
"Constituent name", "Gift amount", "Gift date", "Gift type", "Gift status", "Fund", ...).

Each gift of money received from a partner organisation becomes one inbound funding record, re:<Gift ID>; its partner
is the stored partner of the constituent's name. mappings/raisers_edge_gifts.toml says which columns are read, which
gift types and statuses count and which fund is which purpose; this module follows it. Importing the same export
again changes nothing.

Problems name the file, the row and the column as the export names it: "gifts.csv:5:Gift status: ...".
"""

from __future__ import annotations

import re
from pathlib import Path

from store.readers import RawTable, read_source_csv
from store.sources.base import Known, fold, mapping
from store.sources.npsp import (
    FUNDING,
    Columns,
    Days,
    Invalid,
    choices,
    converted,
    header_names,
    listed,
    partner_by_name,
    report,
)
from store.values import shown

PREFIX = "re:"
# The user's locale with slashes (3/15/2024, 15/03/2024), possibly with a time of day that does not count.
_DAY = re.compile(r"^([0-9]{1,2}/[0-9]{1,2}/[0-9]{4})(?: [0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?: ?[AaPp][Mm])?)?$")
_GIFT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")


class _Gifts:
    name = "raisers-edge-gifts"
    title = "Raiser's Edge NXT gifts (gift list export)"
    mapping = "raisers_edge_gifts"
    where = "Raiser's Edge NXT: Lists > Gifts, choose the columns, then Export (CSV)"

    def recognises(self, path: Path, head: str) -> bool:
        names = header_names(head)
        spec = mapping(self.mapping)["columns"]
        has = {use for use, alternatives in spec.items() if any(a.lower() in names for a in alternatives)}
        return {"funding_id", "amount", "date"} <= has

    def read(self, path: Path, label: str, known: Known) -> list[RawTable]:
        raw = read_source_csv(path, label)
        m = mapping(self.mapping)
        columns = Columns.match(raw.header, m["columns"])
        named = {use: alternatives[0] for use, alternatives in m["columns"].items()}
        needs = [("funding_id",), ("name",), ("date",), ("amount",), ("gift_type",)]
        columns.require(needs, named, "Raiser's Edge gift export", raw.header_row)
        purposes = choices(m["purpose"])
        individuals = choices(m["constituent_type"]["individual"])
        organizations = choices(m["constituent_type"]["organization"])
        problems, rows = list(raw.problems), []
        days = Days([(n, d.group(1)) for n, cells in raw.rows if (d := _DAY.match(columns.cell(cells, "date")))])
        for n, cells in raw.rows:
            try:
                if not self._counted(columns, cells, m):
                    continue
            except Invalid as exc:
                report(problems, n, [exc])
                continue
            kind = columns.cell(cells, "constituent_type")
            if fold(kind) in individuals:
                continue
            if kind and fold(kind) not in organizations:
                column = columns.name("constituent_type")
                types = listed(m["constituent_type"]["individual"] + m["constituent_type"]["organization"])
                report(problems, n, [Invalid(column, f"{shown(kind)} is a constituent type that mappings/"
                       f"{self.mapping}.toml does not list; it lists {types}", shown(kind))])  # fmt: skip
                continue
            values, found = converted(
                columns,
                cells,
                (
                    ("funding_id", lambda t: PREFIX + self._gift_id(t, columns)),
                    ("date", lambda t: days.read(self._day(t, columns), columns.name("date"))),
                    ("name", lambda t: partner_by_name(t, known, columns.name("name"))),
                    ("purpose", lambda t: self._purpose(t, columns, purposes, m)),
                ),
            )
            if found:
                report(problems, n, found)
                continue
            row = [values["funding_id"], values["date"], values["name"], "inbound", columns.cell(cells, "amount")]
            rows.append((n, row + ([values["purpose"]] if "purpose" in columns else [])))
        header = FUNDING + (["purpose"] if "purpose" in columns else [])
        names = {c: columns.name(u) for c, u in (("funding_id", "funding_id"), ("date", "date"), ("amount", "amount"))}
        names |= {"partner_id": columns.name("name"), "direction": columns.name("gift_type")}
        if "purpose" in columns:
            names["purpose"] = columns.name("purpose")
        problems.sort(key=lambda p: p.row)
        return [RawTable(label, "funding", header, rows, problems, raw.header_row, names)]

    def _counted(self, columns: Columns, cells: list[object], m: dict) -> bool:
        """Money received: a gift type and a status (blank, or listed) that count."""
        for use, table, what in (("gift_type", "gift_type", "a gift type"), ("status", "gift_status", "a gift status")):
            value = columns.cell(cells, use)
            if use == "status" and not value:
                continue
            if fold(value) in choices(m[table]["other"]):
                return False
            if fold(value) not in choices(m[table]["counted"]):
                raise Invalid(
                    columns.name(use),
                    f"{shown(value)} is {what} that mappings/{self.mapping}.toml does not list: counted are "
                    f"{listed(m[table]['counted'])}; left out are {listed(m[table]['other'])}",
                    shown(value),
                )
        return True

    def _gift_id(self, text: str, columns: Columns) -> str:
        if not _GIFT_ID.match(text):
            raise Invalid(columns.name("funding_id"), f"{shown(text)} is not a gift id (such as 12345)", shown(text))
        return text

    def _day(self, text: str, columns: Columns) -> str:
        """The date, left as text for the import's own reading (which decides day or month first for the file)."""
        m = _DAY.match(text)
        if not m:
            raise Invalid(
                columns.name("date"),
                f"{shown(text)} is not a date as Raiser's Edge writes it (such as 3/15/2024 or 15/03/2024)",
                shown(text),
            )
        return m.group(1)

    def _purpose(self, text: str, columns: Columns, purposes: dict, m: dict) -> str:
        purpose = purposes.get(fold(text))
        if purpose is None:
            raise Invalid(
                columns.name("purpose"),
                f"{shown(text)} is a fund that mappings/{self.mapping}.toml does not list (add it there, with the "
                f"purpose it is for); it lists {listed(m['purpose'])}",
                shown(text),
            )
        return purpose


GIFTS = _Gifts()
