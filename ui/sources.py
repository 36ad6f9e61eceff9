"""The Data page's parts for files other systems export: how each file is read (its format, which a person may
change), the program of each trial of a ClinicalTrials.gov file, a mapping of one's own for any other CSV, and the
formats the import reads with their mapping files."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from store import database, sources
from store.entries import IMPORT_ORDER, IMPORTABLE
from store.readers import FileProblem, read_source_csv
from store.sources import clinicaltrials, custom
from ui import data, staff
from ui.text import plain

KEY = "import"
OWN = "(own)"  # the choice of making a mapping of one's own
NOT_KEPT = "(not kept)"


def _title(name: str, catalogue: dict) -> str:
    if name == sources.CONTRACT:
        return "The contract's layout (partners.csv, engagements.xlsx…)"
    if name == OWN:
        return "A mapping of my own…"
    return catalogue[name].title if name in catalogue else name


def choose_formats(paths: list[Path], labels: list[str], recognised: dict[str, str]) -> dict[str, str]:
    """A "Read as" choice for each file, set to the format it was recognised as; returns the files whose choice
    differs (label -> format, OWN for a mapping still to make)."""
    catalogue = sources.sources(data.db_path())
    options = [sources.CONTRACT, *catalogue, OWN]
    chosen: dict[str, str] = {}
    columns = st.columns(min(len(labels), 3) or 1)
    for i, label in enumerate(labels):
        found = recognised.get(label, sources.CONTRACT)
        key = f"{KEY}-format-{st.session_state.get(f'{KEY}-round', 0)}-{label}"
        if (made := st.session_state.pop(f"{KEY}-saved-{label}", None)) in options:
            st.session_state[key] = made  # the mapping just saved for this file
        with columns[i % len(columns)]:
            choice = st.selectbox(
                f"Read `{label}` as" if "`" not in label else f"Read {plain(label)} as",
                options,
                index=options.index(found) if found in options else 0,
                format_func=lambda n: _title(n, catalogue),
                key=key,
                help="Recognised from the file's content. Choose another format if it was taken for the wrong one.",
            )
        if choice != found:
            chosen[label] = choice
    return chosen


def trial_programs(paths: list[Path], labels: list[str], formats: dict[str, str]) -> dict[str, str]:
    """For each ClinicalTrials.gov file, the program of each of its trials (set to the one that names it by its NCT
    id); returns NCT id -> program_id for the trials a person chose or confirmed."""
    files = [(p, lab) for p, lab in zip(paths, labels, strict=True) if formats.get(lab) == "clinicaltrials"]
    if not files:
        return {}
    with database.read(data.db_path()) as con:
        known = sources.Known.load(con)
    programs = sorted(known.programs)
    chosen: dict[str, str] = {}
    for path, label in files:
        trials = clinicaltrials.trials_in(path, known)
        if not trials:
            continue
        unplaced = sum(1 for _, _, program in trials if program is None)
        with st.expander(
            f"The programs of the {staff.plural(len(trials), 'trial')} in {label}", expanded=bool(unplaced)
        ):
            if not programs:
                st.info("There are no programs yet: import programs first, then the trials.", icon=":material/info:")
                continue
            st.caption(
                "Each trial gives a milestone to the program it belongs to. A program whose name holds the trial's "
                "NCT id (such as “Gene therapy (NCT01234567)”) is chosen already."
            )
            for nct, title, program in trials:
                choice = st.selectbox(
                    f"{nct}: {title}" if title else nct,
                    programs,
                    index=programs.index(program) if program in programs else None,
                    format_func=lambda p: f"{known.programs[p]['name']} ({p})",
                    placeholder="Choose its program",
                    key=f"{KEY}-trial-{st.session_state.get(f'{KEY}-round', 0)}-{label}-{nct}",
                )
                if choice:
                    chosen[nct] = choice
    return chosen


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    return slug or "my-mapping"


def _guess(header: str, columns: list[str]) -> str:
    name = header.strip().lower().replace(" ", "_")
    if name in columns:
        return name
    close = difflib.get_close_matches(name, columns, n=1, cutoff=0.75)
    return close[0] if close else NOT_KEPT


def own_mapping(path: Path, label: str) -> str | None:
    """Makes a mapping for a CSV no format reads: the table, each column's match, the values of enumerations; saved
    for the next file with the same columns. Returns the saved mapping's name once saved."""
    round_ = st.session_state.get(f"{KEY}-round", 0)
    key = f"{KEY}-own-{round_}-{label}"
    st.markdown(f"**A mapping for `{label}`**" if "`" not in label else f"**A mapping for {plain(label)}**")
    try:
        raw = read_source_csv(path, label)
    except FileProblem as exc:
        st.error(plain(staff.sentence(str(exc))), icon=":material/error:")
        return None
    header = [h for h in raw.header if h.strip()]
    table = st.selectbox(
        "Which table do its rows go to?",
        list(IMPORT_ORDER),
        index=None,
        format_func=staff.table_words,
        placeholder="Choose the table",
        key=f"{key}-table",
    )
    if not table:
        return None
    t = IMPORTABLE[table]
    options = [NOT_KEPT, *t.column_names]
    st.caption("Match each of the file's columns with a column of the table (or leave it out).")
    columns: dict[str, str] = {}
    grid = st.columns(3)
    for i, name in enumerate(header):
        with grid[i % 3]:
            guess = _guess(name, t.column_names)
            picked = st.selectbox(name, options, index=options.index(guess), key=f"{key}-{table}-col-{i}")
        columns[name] = "" if picked == NOT_KEPT else picked
    values: dict[str, dict[str, str]] = {}
    where = {h.strip(): i for i, h in enumerate(raw.header)}
    for name, column in columns.items():
        col = t.column(column) if column else None
        if col is None or col.type != "enum":
            continue
        found = sorted({str(cells[where[name]]).strip() for _, cells in raw.rows if where[name] < len(cells)} - {""})
        strange = [v for v in found if v.lower() not in col.values]
        if not strange:
            continue
        st.caption(f"Values of **{plain(name)}** that are not a {column}: choose what each one is.")
        vgrid = st.columns(3)
        for j, value in enumerate(strange):
            with vgrid[j % 3]:
                picked = st.selectbox(
                    value or "(blank)",
                    list(col.values),
                    index=None,
                    placeholder="Choose",
                    key=f"{key}-{table}-v-{name}-{j}",
                )
            if picked:
                values.setdefault(column, {})[value] = picked
    name = st.text_input("Name of the mapping", _slug(Path(label).stem), max_chars=40, key=f"{key}-name")
    mapping = custom.Custom(name.strip(), table, columns, values)
    problems = mapping.problems()
    if name.strip() in sources.sources():  # our own formats' names are taken
        problems.append(f"{name.strip()} is the name of one of the formats the import reads; choose another")
    for problem in problems:
        st.warning(plain(staff.sentence(problem)), icon=":material/edit:")
    if st.button(
        "Save the mapping and read the file with it", disabled=bool(problems), key=f"{key}-save", icon=":material/save:"
    ):
        try:
            custom.save(data.db_path(), mapping)
        except (ValueError, OSError) as why:  # the folder beside the database is a link, or cannot be written
            st.error(plain(staff.sentence(f"The mapping could not be saved: {why}")), icon=":material/error:")
            return None
        st.session_state[f"{KEY}-saved-{label}"] = mapping.name
        st.rerun()
    return None


def formats_section() -> None:
    """The formats the import reads, each with where to export it and its mapping file; the mappings saved here."""
    catalogue = sources.sources(data.db_path())
    st.markdown(
        "Besides the contract's own layout, the import reads the files these systems export, as you download them. "
        "Each file is recognised by its content; if it is taken for the wrong one, choose its format in the preview. "
        "What becomes of each field is its mapping file below (kept with the code, and in the README)."
    )
    for name, source in catalogue.items():
        with st.expander(f"{source.title} · `--format {name}`"):
            if isinstance(source, custom.Custom):
                st.caption(f"Made on this page; kept in {custom.folder(data.db_path())}.")
                st.code(source.text(), language="toml")
                if st.button("Delete this mapping", key=f"{KEY}-drop-{name}", icon=":material/delete:"):
                    custom.delete(data.db_path(), name)
                    st.rerun()
                continue
            where = getattr(source, "where", None)  # where in that system a person clicks to get the file
            if where:
                st.markdown(plain(where))
            stem = getattr(source, "mapping", None)
            if stem:
                described = sources.mapping(stem).get("fields", {})
                if described:
                    st.table(
                        pd.DataFrame({"Field": list(described), "What it becomes": list(described.values())}).map(
                            plain
                        ),
                        hide_index=True,
                        border="horizontal",
                    )
                path = sources.MAPPINGS / f"{stem}.toml"
                st.caption(f"The mapping file: store/sources/mappings/{path.name}")
                st.code(path.read_text(encoding="utf-8"), language="toml")
