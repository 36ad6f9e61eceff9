"""Shared fixtures: the sample database built through the import path, an empty one, the repo root."""

from __future__ import annotations

import functools
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.components.v2 import manifest_scanner
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import settings  # noqa: E402
from store.importer import import_files  # noqa: E402

# Each new AppTest, at its first run, scans the metadata of every installed package for Streamlit components
# (streamlit.components.v2.manifest_scanner): some 0.2 s, a third of a page test's time. The installed packages do
# not change while the tests run, so the scan is made once. A Streamlit that moves the scanner fails here, by name.
manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)

SAMPLE_FILES = sorted((ROOT / "sample_data").glob("*.csv"))
TINY_FILES = sorted((ROOT / "tests" / "data" / "tiny").glob("*.csv"))


def write_files(folder: Path, **contents: str) -> list[Path]:
    """Writes each name=text as a UTF-8 file in folder (made if needed); the paths, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in contents.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def own_copy(db: Path, folder: Path) -> Path:
    """A test's own copy of a database built once for its module (a small one is one file), its mode kept: the
    import that built it is not paid again by every test that writes to it."""
    assert not db.with_name(db.name + ".wal").exists(), "a database copied with its log open"
    return Path(shutil.copy2(db, folder / db.name))


def fetch(db: Path, sql: str) -> list[tuple]:
    """Every row of a query on the database at db."""
    from store import database

    with database.read(db) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """The sample foundation, imported from the committed CSVs exactly as `make run` does."""
    db = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    result = import_files(db, SAMPLE_FILES)
    assert result.ok, [str(p) for p in result.problems][:5]
    return db


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory) -> Path:
    """The hand-made tiny dataset (tests/data/tiny), whose metrics the tests work out by hand; imported once, and
    only read (a test that writes works on a copy)."""
    db = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    result = import_files(db, TINY_FILES)
    assert result.ok, [str(p) for p in result.problems][:5]
    return db


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium under Playwright, one per test module."""
    from tests.browser import browser

    with browser() as b:
        yield b


@pytest.fixture
def empty_db(tmp_path) -> Path:
    """A path where no database exists yet: the dashboard must read it as an empty store."""
    return tmp_path / "empty.duckdb"


@pytest.fixture
def app(monkeypatch):
    """Builds an AppTest of the dashboard on a database, opened with the given link parameters, on a page.

    AppTest leaves the frame's sidebar widgets out of the tree after the first run; a page's own elements stay.
    """

    def make(db, page: str | None = None, **params) -> AppTest:
        monkeypatch.setenv("PARTNERSHIP_DB", str(db))
        settings.load.cache_clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        if page:
            at.switch_page(page).run()
        return at

    yield make
    settings.load.cache_clear()


@pytest.fixture(scope="session")
def secret_db(tmp_path_factory) -> Path:
    """The "secret" foundation of tests/secret.py, built through the import path and the notes store."""
    from tests import secret

    return secret.build(tmp_path_factory.mktemp("secret"))


def plain_text(markdown: str) -> str:
    """What a reader sees of markdown that ui.text.plain escaped: the text without its backslashes."""
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\1", markdown)


def sections(at: AppTest) -> tuple[str | None, list[str]]:
    """The session key of the page's sections (ui/blocks.section: tabs with a key, of which only the open one is
    drawn) and their labels; (None, []) for a page drawn without them. Read from what the page drew, so that no
    list of pages is kept."""
    found = [tabs for tabs in at.get("tab_container") if tabs.key]
    assert len(found) <= 1, f"a page has one set of sections, this one {[tabs.key for tabs in found]}"
    if not found:
        return None, []
    return found[0].key, [tab.label for tab in found[0].children.values()]


def each_section(at: AppTest, page: str) -> Iterator[str]:
    """Runs a page opened in AppTest with each of its sections open in turn; yields each open section's label, the
    AppTest then showing that section. A page without sections, or one that stopped before them (a refusal), is
    yielded once as it is, so that a check over its sections still looks at what it shows."""
    key, labels = sections(at)
    if not labels:
        yield ""
        return
    for label in labels:
        at.session_state[key] = label
        at.run()
        assert at.session_state[key] == label, f"{page}: the section {label!r} did not open"
        yield label


def open_section(at: AppTest, page: str, label: str) -> AppTest:
    """Opens a section of a page opened in AppTest (a click on its tab), and returns the AppTest."""
    key, labels = sections(at)
    assert label in labels, f"{page} has no section {label!r}: {labels}"
    at.session_state[key] = label
    return at.run()
