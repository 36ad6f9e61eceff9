"""The kept tables as whole records: read a record's stored values, write records back, delete them.

One way to read and write every table a person's data lives in (the contract's tables with their partner lists,
and the foundation's notes, events and targets), so that an import, an edit, the history's journal and a restore
all see a record the same way: a dict of column to value, lists included.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import duckdb
import pandas as pd

from contract import Table
from store import database
from store.entries import IMPORT_ORDER, IMPORTABLE

# Columns the store keeps beyond a file's: when a note or an event was written.
STORED_ONLY = {"notes": ("created_at",), "events": ("created_at",)}


def table(name: str) -> Table:
    """The kept table of that name (KeyError for any other: names never come from input)."""
    return IMPORTABLE[name]


def plain_columns(t: Table) -> list[str]:
    """The columns stored in the table itself (not the partner lists), those only the store keeps included."""
    return [c.name for c in t.columns if c.type != "list"] + list(STORED_ONLY.get(t.name, ()))


def get(con: duckdb.DuckDBPyConnection, name: str, keys: Iterable[str]) -> dict[str, dict]:
    """The stored records of these keys: key -> {column: value}, partner lists sorted."""
    t = table(name)
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    cols = plain_columns(t)
    cur = con.execute(
        f"SELECT {t.key_sql} AS _key, {', '.join(cols)} FROM {t.name} WHERE {t.key_sql} IN (SELECT unnest($keys))",
        {"keys": keys},
    )
    rows = {r[0]: dict(zip(cols, r[1:], strict=True)) for r in cur.fetchall()}
    for column, link in t.link_tables.items():
        for row in rows.values():
            row[column] = []
        for key, partners in con.execute(
            f"SELECT {t.key}, list(partner_id ORDER BY partner_id) FROM {link} "
            f"WHERE {t.key} IN (SELECT unnest($keys)) GROUP BY ALL",
            {"keys": list(rows)},
        ).fetchall():
            rows[key][column] = partners
    for row in rows.values():
        for c in t.columns:
            if c.type == "enum" and row.get(c.name) is not None:
                row[c.name] = str(row[c.name])
    return rows


def keys_of(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    """Every key stored in the table."""
    t = table(name)
    return [r[0] for r in con.execute(f"SELECT {t.key_sql} FROM {t.name}").fetchall()]


def _text(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


# The tables whose records date a partner's involvement (partner_firsts and partner_months, store/database.py).
_INVOLVING = {"engagements": "engagement_partners", "funding": "funding", "publications": "publication_partners"}


def _involved(con: duckdb.DuckDBPyConnection, name: str, keys: list[str]) -> list[str]:
    """The partners the stored records of these keys involve (their first involvement may move)."""
    if name not in _INVOLVING or not keys:
        return []
    key = table(name).key
    rows = con.execute(
        f"SELECT DISTINCT partner_id FROM {_INVOLVING[name]} WHERE {key} IN (SELECT unnest($keys))", {"keys": keys}
    ).fetchall()
    return [r[0] for r in rows]


def _delete(con: duckdb.DuckDBPyConnection, name: str, keys: list[str]) -> None:
    t = table(name)
    for link in t.link_tables.values():
        con.execute(f"DELETE FROM {link} WHERE {t.key} IN (SELECT unnest($keys))", {"keys": keys})
    con.execute(f"DELETE FROM {t.name} WHERE {t.key_sql} IN (SELECT unnest($keys))", {"keys": keys})


def delete(con: duckdb.DuckDBPyConnection, name: str, keys: Iterable[str]) -> None:
    """Deletes the records of these keys and their partner links (and keeps the derived data exact)."""
    keys = list(keys)
    if not keys:
        return
    involved = _involved(con, name, keys)
    _delete(con, name, keys)
    if involved:
        database.refresh_partners(con, involved)


def put(con: duckdb.DuckDBPyConnection, name: str, rows: list[dict]) -> None:
    """Writes whole records (replacing any stored under the same key) with their partner lists.

    A column a row lacks takes the table's default (a note's created_at: now). Each link row carries the copies of
    its record's columns that database.LINK_COPIES names, and partner_firsts and partner_months follow.
    """
    if not rows:
        return
    t = table(name)
    keys = [t.key_of(r) for r in rows]
    involved = set(_involved(con, name, keys))
    sectors = (
        dict(
            con.execute(
                "SELECT partner_id, sector::VARCHAR FROM partners WHERE partner_id IN (SELECT unnest($keys))",
                {"keys": keys},
            ).fetchall()
        )
        if name == "partners"
        else {}
    )
    _delete(con, name, keys)
    cols = [c for c in plain_columns(t) if any(c in r for r in rows)]
    frame = pd.DataFrame({c: pd.Series([_text(r.get(c)) for r in rows], dtype=object) for c in cols})
    if name == "engagements":  # written with the records, not updated after: an update would scan every engagement
        flags = _engagement_flags(con, rows)
        for i, flag in enumerate(database.ENGAGEMENT_FLAGS):
            frame[flag] = pd.Series(
                [flags[r["engagement_id"]][i] if r["engagement_id"] in flags else None for r in rows], dtype=object
            )
            cols.append(flag)
    con.register("staged_rows", frame)
    try:
        con.execute(f"INSERT INTO {t.name} ({', '.join(cols)}) SELECT {', '.join(cols)} FROM staged_rows")
    finally:
        con.unregister("staged_rows")
    for column, link in t.link_tables.items():
        copies = database.LINK_COPIES.get(link, {})
        names = [t.key, "partner_id", *copies]
        pairs = [
            (r[t.key], p, *(_text(r.get(src)) for src in copies.values())) for r in rows for p in (r.get(column) or [])
        ]
        if pairs:
            links = pd.DataFrame(pairs, columns=names, dtype=object)
            involved.update(links["partner_id"])
            con.register("staged_links", links)
            try:
                con.execute(f"INSERT INTO {link} ({', '.join(names)}) SELECT {', '.join(names)} FROM staged_links")
            finally:
                con.unregister("staged_links")
    if name == "funding":
        involved.update(r["partner_id"] for r in rows if r.get("partner_id"))
    if name in _INVOLVING and involved:
        database.refresh_partners(con, sorted(involved))
    if name == "partners":  # a partner whose sector changed changes its engagements' flags
        moved = [
            r["partner_id"] for r in rows if r["partner_id"] in sectors and sectors[r["partner_id"]] != r.get("sector")
        ]
        database.refresh_flags(con, partner_ids=moved)


def _engagement_flags(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> dict[str, tuple]:
    """The sector flags (database.ENGAGEMENT_FLAGS) of these engagements, from their partners' stored sectors; an
    engagement with no partner has none (NULL, as database.refresh_flags leaves it)."""
    (column,) = table("engagements").link_tables
    pairs = pd.DataFrame(
        [(r["engagement_id"], p) for r in rows for p in (r.get(column) or [])],
        columns=["engagement_id", "partner_id"],
        dtype=object,
    )
    if pairs.empty:
        return {}
    tests = ", ".join(f"bool_or({test})" for test in database.ENGAGEMENT_FLAGS.values())
    con.register("staged_pairs", pairs)
    try:
        found = con.execute(
            f"SELECT ep.engagement_id, {tests} FROM staged_pairs AS ep "
            "JOIN partners AS pa ON pa.partner_id = ep.partner_id GROUP BY ep.engagement_id"
        ).fetchall()
    finally:
        con.unregister("staged_pairs")
    return {r[0]: tuple(r[1:]) for r in found}


def count(con: duckdb.DuckDBPyConnection, name: str, keys: Iterable[str]) -> int:
    """How many of these keys are stored."""
    t = table(name)
    rows = con.execute(
        f"SELECT count(*) FROM {t.name} WHERE {t.key_sql} IN (SELECT unnest($keys))", {"keys": list(keys)}
    ).fetchall()
    return rows[0][0]


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot keep a {type(value).__name__} in the journal")


def dumps(row: dict | None) -> str | None:
    """A record as JSON text for the journal (None for no record)."""
    return None if row is None else json.dumps(row, default=_json_default, sort_keys=True, ensure_ascii=False)


def loads(text: str | None) -> dict | None:
    """A record back from the journal: values as text, numbers and lists, which the store casts on writing."""
    return None if text is None else json.loads(text)


def ordered(names: Iterable[str]) -> list[str]:
    """Table names in the order records must be written (referenced tables first)."""
    names = set(names)
    return [n for n in IMPORT_ORDER if n in names]
