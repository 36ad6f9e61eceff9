"""The Data page's Import section: upload files, preview what they would change, then apply them all or nothing."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

import exports
import settings
from store import importer, tables
from store.entries import IMPORT_ORDER
from store.sources import custom
from ui import data, session, staff
from ui import sources as sources_ui
from ui.text import plain

KEY = "import"
PROBLEM_COLUMNS = {
    "file": st.column_config.TextColumn("File"),
    "row": st.column_config.NumberColumn("Row", format="%d", help="Row 1 is the header"),
    "column": st.column_config.TextColumn("Column"),
    "message": st.column_config.TextColumn("What is wrong", width="large"),
    "value": st.column_config.TextColumn("The cell", help="What the cell holds, shortened"),
}
PROBLEM_HEADINGS = {"file": "File", "row": "Row", "column": "Column", "message": "What is wrong", "value": "The cell"}
WHOLE_TABLE = 50  # problems shown as a plain table (messages wrapped in full); more scroll in a data grid
COUNT_COLUMNS = {
    "table": st.column_config.TextColumn("Table"),
    "new": st.column_config.NumberColumn("New", format="%d"),
    "updated": st.column_config.NumberColumn("Updated", format="%d"),
    "unchanged": st.column_config.NumberColumn("Unchanged", format="%d"),
}


def _round() -> int:
    """Which uploader is showing: a new one (empty) after each import."""
    return st.session_state.setdefault(f"{KEY}-round", 0)


def saved(files: list) -> tuple[list[Path], list[str]]:
    """The uploads saved to a temporary folder under their own names (each in a subfolder, so two files of the
    same name do not collide); the same uploads reuse the folder across reruns."""
    signature = tuple((f.file_id, f.name, f.size) for f in files)
    held = st.session_state.get(f"{KEY}-folder")
    if held and held["signature"] == signature and all(p.exists() for p in held["paths"]):
        return held["paths"], held["labels"]
    forget()
    folder = Path(tempfile.mkdtemp(prefix="partnership-upload-"))
    paths, labels = [], []
    for i, upload in enumerate(files, start=1):
        name = Path(upload.name).name or f"file-{i}"
        path = folder / str(i) / name
        path.parent.mkdir()
        path.write_bytes(upload.getvalue())
        paths.append(path)
        labels.append(name)
    st.session_state[f"{KEY}-folder"] = {"signature": signature, "folder": folder, "paths": paths, "labels": labels}
    return paths, labels


def forget() -> None:
    """Removes the saved uploads and the preview made of them."""
    held = st.session_state.pop(f"{KEY}-folder", None)
    if held:
        shutil.rmtree(held["folder"], ignore_errors=True)
    st.session_state.pop(f"{KEY}-preview", None)


@dataclass(frozen=True)
class Choices:
    """What a person chose about the files: the table of a file that does not say, the format of a file taken for
    the wrong one, the program of a trial."""

    tables: dict[str, str] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)
    trials: dict[str, str] = field(default_factory=dict)

    def key(self) -> tuple:
        return tuple(tuple(sorted(d.items())) for d in (self.tables, self.formats, self.trials))

    def arguments(self) -> dict:
        """The choices as the importer takes them."""
        return {"tables": self.tables or None, "formats": self.formats or None, "trial_programs": self.trials or None}


def _preview(paths: list[Path], labels: list[str], chosen: Choices) -> importer.ImportResult:
    """What the files would do to the database as it is now; kept while neither the files, the choices, the saved
    mappings nor the database change (a preview reads every file)."""
    memo = st.session_state.setdefault(f"{KEY}-preview", {})
    mappings = tuple(sorted(m.text() for m in custom.saved(data.db_path())))
    memo_key = (chosen.key(), mappings, data.db_version())
    if memo_key not in memo:
        with st.spinner("Reading the files…"):
            memo[memo_key] = importer.preview(
                data.db_path(), paths, settings.load(), labels=labels, **chosen.arguments()
            )
    return memo[memo_key]


def problems_frame(problems: list) -> pd.DataFrame:
    """The problems as a table: file, row, column, message and the cell."""
    return pd.DataFrame(
        [{"file": p.file, "row": p.row, "column": p.column, "message": p.message, "value": p.value} for p in problems],
        columns=list(PROBLEM_COLUMNS),
    )


def counts_frame(result: importer.ImportResult) -> pd.DataFrame:
    """New, updated and unchanged records per table."""
    order = tables.ordered(result.counts)
    return pd.DataFrame(
        [
            {"table": staff.table_words(t), "new": c.new, "updated": c.updated, "unchanged": c.unchanged}
            for t, c in ((t, result.counts[t]) for t in order)
        ],
        columns=list(COUNT_COLUMNS),
    )


def _named(label: str) -> str:
    """A file's name in a widget's label, shown as written: as code (no markdown inside), else escaped."""
    return f"`{label}`" if "`" not in label else plain(label)


def _ask_tables(undetermined: dict[str, tuple[str, ...]], why: dict[str, str]) -> dict[str, str]:
    """For each file whose table cannot be told from its name or header, a choice of table (the tables its header
    fits, or every table when it fits none)."""
    chosen: dict[str, str] = {}
    for label, candidates in undetermined.items():
        choice = st.selectbox(
            f"Which table does {_named(label)} hold?",
            list(candidates) or list(IMPORT_ORDER),
            index=None,
            key=f"{KEY}-table-{_round()}-{label}",
            placeholder="Choose the table",
            help=plain(staff.sentence(why[label])) if label in why else None,
        )
        if choice:
            chosen[label] = choice
    return chosen


def _problems(problems: list) -> None:
    n = len(problems)
    st.error(
        f"{staff.plural(n, 'problem')} in these files, so nothing can be imported yet. Correct "
        f"{'it' if n == 1 else 'them'} in your file{'s' if len({p.file for p in problems}) > 1 else ''} "
        "and upload again: an import is all or nothing.",
        icon=":material/error:",
    )
    frame = problems_frame(problems)
    if len(frame) <= WHOLE_TABLE:  # every message in full, wrapped; cells shown as the text they are
        shown = frame.astype({"row": str}).map(plain).rename(columns=PROBLEM_HEADINGS)
        st.table(shown, hide_index=True, border="horizontal")
    else:
        st.dataframe(
            frame,
            hide_index=True,
            width="stretch",
            height=423,
            column_config=PROBLEM_COLUMNS,
            key=f"{KEY}-problems",
        )
    st.download_button(
        "The problems as CSV",
        exports.csv_bytes(frame),
        file_name="import-problems.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
        key=f"{KEY}-problems-csv",
        help="To work through them in a spreadsheet",
    )


def _apply(paths: list[Path], labels: list[str], chosen: Choices) -> None:
    session.require("write")
    with st.spinner("Importing…"):
        result = importer.import_files(
            data.db_path(), paths, settings.load(), labels=labels, by=session.signed_in(), **chosen.arguments()
        )
    if not result.ok:  # the database changed since the preview
        st.session_state.pop(f"{KEY}-preview", None)
        _problems(result.problems)
        return
    summary = "; ".join(result.summary()) or "nothing changed"
    number = f" It is write {result.write_id} in the history." if result.write_id else ""
    staff.flash(
        KEY,
        "success",
        plain(f"Imported {', '.join(labels)}: {summary}.") + f"{number} Every page now shows the new data.",
    )
    for line in staff.confidential_flips(result.changes, done=True):
        staff.flash(KEY, "warning", plain(line))
    forget()
    st.session_state[f"{KEY}-round"] = _round() + 1
    st.rerun()


def say_sensitive(result: importer.ImportResult) -> None:
    """Says, above the changes, each update that flips a sensitive value (a partner's confidential flag or sector, an
    amount changed more than tenfold): applying it is allowed, missing it is not."""
    for line in result.sensitive():
        st.warning(plain(line[:1].upper() + line[1:]), icon=":material/visibility:")


def section() -> None:
    """Upload, preview, choose tables where needed, apply."""
    staff.show_flash(KEY)
    st.markdown(
        "Upload one file per table (`partners.csv`, `engagements.xlsx`…) or one Excel workbook with a sheet per "
        "table, or the files your CRM, PubMed or ClinicalTrials.gov export, as you downloaded them (see *Formats "
        "the import reads* below). You will see what the files would change before anything is saved. An import "
        "is all or nothing: if one cell is wrong, nothing is saved, and the problem is listed with its file, row "
        "and column."
    )
    with st.expander("Formats the import reads"):
        sources_ui.formats_section()
    files = st.file_uploader(
        "Files to import",
        type=["csv", "xlsx", "tsv", "txt", "nbib", "json"],
        accept_multiple_files=True,
        key=f"{KEY}-files-{_round()}",
        help="CSV or Excel (.xlsx) in the contract's layout (the Templates tab has blank files with the right "
        "columns), a CRM export, PubMed's .nbib or CSV, ClinicalTrials.gov's study JSON.",
    )
    if not files:
        forget()
        st.caption("Nothing uploaded yet. Records you import again are updated, never duplicated or deleted.")
        return
    paths, labels = saved(files)
    first = _preview(paths, labels, Choices())
    formats = sources_ui.choose_formats(paths, labels, first.formats)
    own = [(p, lab) for p, lab in zip(paths, labels, strict=True) if formats.get(lab) == sources_ui.OWN]
    for path, label in own:
        sources_ui.own_mapping(path, label)
    if own:
        st.info(
            "Save a mapping for each file read with one of your own to see what it would change.",
            icon=":material/info:",
        )
        return
    base = Choices(formats=formats)
    result = _preview(paths, labels, base) if formats else first
    read_as = {**result.formats, **formats}
    trials = sources_ui.trial_programs(paths, labels, read_as)
    tables_chosen: dict[str, str] = {}
    if result.undetermined:
        st.warning(
            "Some files do not say which table they hold: their names are not a table's name (such as "
            "partners.csv) and their columns do not settle it. Choose the table of each, or a format it comes "
            "in, and the preview follows.",
            icon=":material/help:",
        )
        why = {p.file: p.message for p in result.problems if p.file in result.undetermined}
        tables_chosen = _ask_tables(result.undetermined, why)
    chosen = Choices(tables_chosen, formats, trials)
    result = _preview(paths, labels, chosen) if (tables_chosen or trials) else result
    pending = set(result.undetermined)
    problems = [p for p in result.problems if p.file not in pending]  # theirs is the question above
    st.subheader("Preview")
    if problems:
        _problems(problems)
        return
    if pending:
        st.info("Choose the table of each file above to see what it would change.", icon=":material/info:")
        return
    st.dataframe(
        counts_frame(result),
        hide_index=True,
        width="content",
        column_config=COUNT_COLUMNS,
        key=f"{KEY}-counts",
    )
    say_sensitive(result)
    if not result.changes:
        st.info(
            "Every record in these files is already stored exactly so: importing them would change nothing.",
            icon=":material/check:",
        )
        return
    staff.draw_changes(result.changes, f"{KEY}-changes")
    new = sum(c.new for c in result.counts.values())
    updated = sum(c.updated for c in result.counts.values())
    st.caption(
        f"Applying adds {staff.plural(new, 'record')} and updates {staff.plural(updated, 'record')}, all at once, "
        "as one write in the history (which can be undone there)."
    )
    if st.button("Apply the import", type="primary", icon=":material/upload:", key=f"{KEY}-apply"):
        _apply(paths, labels, chosen)
