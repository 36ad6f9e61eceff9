"""Uploads on the Data page: whatever name the browser sends, a file is saved inside the upload folder, readable by
the dashboard's user alone, and shown under the person's own name."""

from __future__ import annotations

import itertools
import os
import stat
from pathlib import Path

import pytest
from streamlit.proto.Common_pb2 import FileURLs
from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec

from store import importer
from ui import imports

PARTNERS = b"partner_id,name,sector\nP1,Acme Pharma,pharma\n"
_ids = itertools.count()


def uploaded(name: str, data: bytes = PARTNERS) -> UploadedFile:
    """A file as Streamlit's uploader hands it to the page."""
    return UploadedFile(UploadedFileRec(f"upload-{next(_ids)}", name, "text/csv", data), FileURLs())


@pytest.fixture
def save():
    """saved(), its folder removed afterwards."""
    yield imports.saved
    imports.forget()


def inside(path: Path) -> bool:
    return path.resolve().parent.parent.name.startswith("partnership-upload-") and path.is_file()


@pytest.mark.parametrize(
    ("name", "saved_as"),
    [
        ("..", "file-1"),
        (".", "file-1"),
        ("", "file-1"),
        ("../partners.csv", "partners.csv"),
        ("../../../etc/cron.d/partners.csv", "partners.csv"),
        ("/etc/passwd", "passwd"),
        ("C:\\Users\\ada\\partners.csv", "partners.csv"),
        ("part\x00ners.csv", "part_ners.csv"),
        ("line\nbreak.csv", "line_break.csv"),
    ],
)
def test_an_upload_of_any_name_is_saved_inside_the_upload_folder_under_the_persons_name(save, name, saved_as):
    (path,), (label,) = save([uploaded(name)])
    assert inside(path)
    assert path.name == saved_as
    assert path.read_bytes() == PARTNERS
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent.parent).st_mode) == 0o700
    # The person's name, control characters shown as escapes (a name that says nothing is the file's).
    assert label == (name.replace("\x00", "\\x00").replace("\n", "\\n") or saved_as)


def test_a_very_long_name_is_shortened_keeping_its_extension_and_its_label_shortened_for_display(save):
    name = "é" * 400 + ".xlsx"
    (path,), (label,) = save([uploaded(name)])
    assert inside(path)
    assert path.suffix == ".xlsx" and len(path.name.encode("utf-8")) <= imports.NAME_BYTES
    assert label.startswith("éééé") and label.endswith("…") and len(label) == imports.LABEL_CHARS


def test_two_uploads_of_the_same_name_are_both_kept_and_told_apart(save):
    other = PARTNERS.replace(b"P1,Acme Pharma", b"P2,Birch University").replace(b"pharma", b"academic")
    paths, labels = save([uploaded("partners.csv"), uploaded("partners.csv", other)])
    assert [p.name for p in paths] == ["partners.csv", "partners.csv"]
    assert paths[0] != paths[1] and [p.read_bytes() for p in paths] == [PARTNERS, other]
    assert labels == ["partners.csv", "partners.csv (2)"]


def test_an_upload_named_dot_dot_gets_a_located_problem_not_a_crash(save, tmp_path):
    paths, labels = save([uploaded(".."), uploaded("../partners.csv", b"partner_id,name,sector\nP9,Zeta,bank\n")])
    result = importer.preview(tmp_path / "db.duckdb", paths, labels=labels)
    assert [(p.file, p.row, p.column) for p in result.problems] == [("..", 1, "-"), ("../partners.csv", 2, "sector")]
    assert result.problems[0].message == "only .csv and .xlsx files can be imported"  # it has no extension
    assert not (tmp_path / "db.duckdb").exists()
