"""The foundation's own entries (notes, events, targets), written in the app and carried by `cli.py export` as
files that `import` takes back: not tables of the data contract, but read, checked and kept the same way."""

from __future__ import annotations

from contract import TABLE_ORDER, TABLES, Column, Table
from metrics.catalogue import CATALOGUE

EVENT_KINDS = ("approval", "partner", "event", "other")
METRIC_IDS = tuple(CATALOGUE)


METRIC = Column(
    "metric_id", "enum", required=True, enum="metric", choices=METRIC_IDS, note="a metric id, as in the README"
)


def _id(name: str) -> Column:
    return Column(name, "id", required=True, note="unique")


OWN_TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "notes",
            (
                _id("note_id"),
                METRIC,
                Column("start_date", "date", required=True, note="the period the note is about"),
                Column("end_date", "date", required=True, note="not before start_date"),
                Column("text", "text", required=True, note="at most 1,000 characters"),
                Column("public", "bool", default=False, note="shown in community outputs (redacted)"),
                Column("author", "text"),
            ),
            "Commentary on a metric for a period: the story behind the number.",
        ),
        Table(
            "events",
            (
                _id("event_id"),
                Column("date", "date", required=True),
                Column("label", "text", required=True, note="at most 80 characters"),
                Column("kind", "enum", required=True, enum="event_kind", choices=EVENT_KINDS),
                Column("public", "bool", default=False, note="marked on community charts"),
            ),
            "Events marked on time charts: an approval, a new partner, a retreat.",
        ),
        Table(
            "targets",
            (
                Column("year", "int", required=True, note="the calendar year"),
                METRIC,
                Column(
                    "target",
                    "number",
                    required=True,
                    note="money in the reporting currency; a share as a fraction (0.9 for 90%)",
                ),
            ),
            "The foundation's targets, one per metric and calendar year.",
            keys=("year", "metric_id"),
        ),
    )
}

# Every table an import file can hold, in the order an import applies them.
IMPORTABLE: dict[str, Table] = {**TABLES, **OWN_TABLES}
IMPORT_ORDER = (*TABLE_ORDER, *OWN_TABLES)
