"""What the Data page's sections share: who is signed in, messages that survive a rerun, values and changes in
words, and the store's reads, cached by the database file's version."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal

import pandas as pd
import streamlit as st

from contract import TABLES
from store import database, history, tables
from ui import data

LOG = logging.getLogger(__name__)
BLANK = "(blank)"
_DECIMAL = re.compile(r"^-?\d+\.\d+$")
LABEL_COLUMNS = ("name", "title", "label", "text")


@contextmanager
def guarded(section: str) -> Iterator[None]:
    """Shows anything unexpected in a section as a sentence, not a traceback (the store's own refusals are shown
    where they happen, in their words); the details go to the server's log. Every write is all or nothing, so
    nothing half-done is left behind."""
    try:
        yield
    except Exception:
        LOG.exception("The Data page's %s section failed", section)
        st.error(
            f"Something unexpected went wrong in {section}. Nothing was half-saved: every change is all or "
            "nothing. Try again; if it happens again, the details are in the dashboard's log for whoever runs it.",
            icon=":material/error:",
        )


def flash(key: str, kind: str, message: str) -> None:
    """Keeps a message to show after the rerun that a write starts (kind: success, warning, error or info)."""
    st.session_state.setdefault(f"{key}-flash", []).append((kind, message))


def show_flash(key: str) -> None:
    """Shows, once, the messages kept for this section."""
    icons = {
        "success": ":material/check_circle:",
        "warning": ":material/warning:",
        "error": ":material/error:",
        "info": ":material/info:",
    }
    for kind, message in st.session_state.pop(f"{key}-flash", []):
        getattr(st, kind)(message, icon=icons[kind])


def value_text(value: object) -> str:
    """A stored or imported value as a person reads it: yes/no, lists with ;, dates as 2025-03-04, (blank)."""
    if value is None or value == "" or value == []:
        return BLANK
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if _DECIMAL.match(text):  # 25000.0000 as the history keeps an amount
        text = text.rstrip("0").rstrip(".")
    return text


def when_text(at: datetime, now: datetime | None = None) -> str:
    """When, in the server's local time and in words: "Today at 14:05", "Yesterday at 09:12", "Mon 30 Nov 2026 at
    16:40"."""
    local = at.astimezone() if at.tzinfo else at
    now = (now or datetime.now(local.tzinfo)).astimezone(local.tzinfo) if local.tzinfo else (now or datetime.now())
    clock = f"{local:%H:%M}"
    if local.date() == now.date():
        return f"Today at {clock}"
    if local.date() == now.date() - timedelta(days=1):
        return f"Yesterday at {clock}"
    return f"{local:%a %-d %b %Y} at {clock}"


def sentence(text: str) -> str:
    """A store's message as a sentence: a capital first letter and a full stop."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def plural(n: int, word: str) -> str:
    """1 record, 3 records."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def record_label(change) -> str:
    """What a changed record is called: its name or title beside its id."""
    values = change.after or change.before or {}
    for column in LABEL_COLUMNS:
        if values.get(column):
            text = str(values[column])
            return text if len(text) <= 60 else text[:57] + "…"
    return ""


def _columns(table: str, rows: Iterable[dict]) -> list[str]:
    try:
        known = list(tables.table(table).column_names)
    except KeyError:
        known = []
    extra = [c for row in rows for c in row if c not in known and c not in tables.STORED_ONLY.get(table, ())]
    return known + list(dict.fromkeys(extra))


def records_frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """Whole records as a table of text, columns in the contract's order (empty cells left empty)."""
    columns = _columns(table, rows)
    return pd.DataFrame(
        [{c: "" if (text := value_text(row.get(c))) == BLANK else text for c in columns} for row in rows],
        columns=columns,
    )


def updates_frame(changes: list) -> pd.DataFrame:
    """One line per changed value of the updated records: id, name, column, old value, new value."""
    lines = [
        {
            "record": change.key,
            "name": record_label(change),
            "column": column,
            "old value": value_text(old),
            "new value": value_text(new),
        }
        for change in changes
        for column, (old, new) in change.fields.items()
    ]
    return pd.DataFrame(lines, columns=["record", "name", "column", "old value", "new value"])


def confidential_flips(changes: Iterable, done: bool = False) -> list[str]:
    """A sentence for each partner whose confidential flag the changes turn on or off: what it means for the
    community outputs (done: in the past tense, for the history)."""
    lines = []
    for change in changes:
        if change.table != "partners" or change.kind != "updated" or "confidential" not in change.fields:
            continue
        old, new = change.fields["confidential"]
        name = record_label(change) or change.key
        if old and not new:
            lines.append(
                f"{name} is no longer confidential: community outputs, the community report included, name it."
                if done
                else f"{name} will no longer be confidential: the community report will name it."
            )
        elif new and not old:
            lines.append(
                f"{name} became confidential: community outputs no longer name it nor show it on its own."
                if done
                else f"{name} will become confidential: community outputs will stop naming it."
            )
    return lines


def by_table(changes: Iterable) -> dict[str, list]:
    """The changes grouped by table, tables in the order records are written."""
    grouped: dict[str, list] = {}
    for change in changes:
        grouped.setdefault(change.table, []).append(change)
    order = tables.ordered(grouped)
    return {name: grouped[name] for name in order + [n for n in grouped if n not in order]}


def table_words(table: str) -> str:
    """partners -> Partners, for headings."""
    return table[:1].upper() + table[1:].replace("_", " ")


def db() -> str:
    """The database the dashboard serves, as the store takes it."""
    return str(data.db_path())


@st.cache_data(show_spinner=False, max_entries=8)
def _partners(path: str, version: tuple | None) -> pd.DataFrame:
    """Cached because the partner picker reads every partner on every rerun; keyed by the file's version."""
    columns = list(TABLES["partners"].column_names)
    with database.read(path) as con:
        rows = tables.get(con, "partners", tables.keys_of(con, "partners"))
    frame = pd.DataFrame(list(rows.values()), columns=columns)
    return frame.sort_values(["name", "partner_id"], key=lambda s: s.str.lower()).reset_index(drop=True)


def partners() -> pd.DataFrame:
    """Every partner: id, name, sector, country, confidential; by name."""
    return _partners(db(), data.db_version())


@st.cache_data(show_spinner=False, max_entries=8)
def _writes(path: str, version: tuple | None) -> list:
    """Cached because the history lists every write on every rerun; keyed by the file's version."""
    return history.writes(path)


def writes() -> list:
    """Every write in the history, newest first."""
    return _writes(db(), data.db_version())


@st.cache_data(show_spinner=False, max_entries=32)
def _changes(path: str, version: tuple | None, write_id: int) -> list:
    """Cached because a write's detail stays open over reruns; keyed by the file's version."""
    return history.changes(path, write_id)


def changes(write_id: int) -> list:
    """What one write changed."""
    return _changes(db(), data.db_version(), write_id)


def _frame(frame: pd.DataFrame, key: str, column_config: dict | None = None) -> None:
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(frame), 388),
        key=key,
        column_config=column_config,
    )


UPDATE_COLUMNS = {
    "record": st.column_config.TextColumn("Id"),
    "name": st.column_config.TextColumn("Name or title"),
    "column": st.column_config.TextColumn("Column"),
    "old value": st.column_config.TextColumn("Old value", width="medium"),
    "new value": st.column_config.TextColumn("New value", width="medium"),
}


def draw_changes(changes: list, key: str, *, done: bool = False, expanded_up_to: int = 20) -> None:
    """The changes, table by table: new records, updated records with old and new values per changed column, and
    removed records (a restore removes what later imports added)."""
    for name, mine in by_table(changes).items():
        kinds = {kind: [c for c in mine if c.kind == kind] for kind in ("new", "updated", "removed")}
        counts = ", ".join(f"{len(v):,} {k}" for k, v in kinds.items() if v)
        with st.expander(f"{table_words(name)}: {counts}", expanded=len(mine) <= expanded_up_to):
            if kinds["new"]:
                st.markdown(f"**{'Added' if done else 'New'} records**")
                _frame(records_frame(name, [c.after for c in kinds["new"]]), f"{key}-{name}-new")
            if kinds["updated"]:
                st.markdown(f"**{'Changed' if done else 'Updated'} records**: each changed value, old and new")
                _frame(updates_frame(kinds["updated"]), f"{key}-{name}-updated", UPDATE_COLUMNS)
            if kinds["removed"]:
                st.markdown("**Removed records**")
                _frame(records_frame(name, [c.before for c in kinds["removed"]]), f"{key}-{name}-removed")
