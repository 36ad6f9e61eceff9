"""A real `streamlit run` on localhost and Debian's Chromium driven by Playwright, for tests and screenshots."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as `python -m tests.browser` too
from reports.pdf import ARGS as CHROMIUM_ARGS  # noqa: E402
from reports.pdf import CHROMIUM  # noqa: E402
from ui import navigation  # noqa: E402


def chromium_missing() -> str | None:
    """Why browser tests cannot run here, or None when they can (NO_BROWSER=1, as `make check` sets, skips them)."""
    if os.environ.get("NO_BROWSER"):
        return "NO_BROWSER is set (make check): the tests that need Chromium are left to make test"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Debian's chromium is not installed at {CHROMIUM} (make chromium installs it)"
    return None


def browser_marks() -> list:
    """The marks of a module of browser tests: `browser`, and skipped when Chromium is missing (NO_BROWSER set);
    under CI (REQUIRE_BROWSER set) a missing Chromium is an error, never a quiet skip."""
    import pytest

    reason = chromium_missing()
    if reason and os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError(reason)
    return [pytest.mark.browser, pytest.mark.skipif(bool(reason), reason=reason or "")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(
    db: Path,
    timeout: float = 60,
    *,
    port: int | None = None,
    env: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
    plain: bool = False,
) -> Iterator[str]:
    """Serves the dashboard on localhost (a free port unless given) against db; yields its URL. env and args are
    added to the server's environment and to `streamlit run`. plain: started as most hosting starts it, with
    plain `streamlit run dashboard.py` rather than serve.py."""
    port = port or free_port()
    env = {**os.environ, "PARTNERSHIP_DB": str(db), **(env or {})}
    start = (
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard.py")]
        if plain
        else [sys.executable, str(ROOT / "serve.py")]
    )
    # The server's output goes to a file: a pipe nobody reads fills up (64 KB) and stops the server mid-test.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [
            *start,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            *args,
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"streamlit did not start: {log.read().decode()[-2000:]}") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def browser() -> Iterator[object]:
    """A headless Debian Chromium under Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def wait_for_app(page, timeout: float = 30_000) -> None:
    """Waits until Streamlit has finished running the script (its own end-to-end tests wait the same way) and every
    element is drawn: an element whose code the browser is still loading shows a placeholder (stSkeleton), for
    long on a loaded machine."""
    page.wait_for_timeout(300)  # a click takes a moment to start a rerun
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', state="attached", timeout=timeout
    )
    page.wait_for_selector('[data-testid="stSkeleton"]', state="detached", timeout=timeout)
    page.wait_for_timeout(500)  # the last deltas and chart layouts settle


PAGES = {page.url_path: page.address for page in navigation.PAGES}  # each page's name and address (ui/navigation.py)
# The README's pictures that are not a page as it opens: the community-safe view; Present on its funding slide.
EXTRA = {"community-view": "funding?view=community"}
OPENED = {"present": ("present?slide=2", (1366, 768))}


def screenshots(out: Path, db: Path, size: tuple[int, int] = (1366, 900)) -> list[Path]:
    """Saves a screenshot of every page of the dashboard served on db, and of the community-safe view (for the
    README)."""
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with streamlit_server(db) as url, browser() as b:
        page = b.new_page(viewport={"width": size[0], "height": size[1]})
        for name, path in {**PAGES, **EXTRA}.items():
            path, (width, height) = OPENED.get(name, (path, size))
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{url}/{path}")
            wait_for_app(page)
            page.screenshot(path=out / f"{name}.png")
            saved.append(out / f"{name}.png")
    return saved


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Screenshot every page of the dashboard.")
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "sample.duckdb")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    for saved in screenshots(args.out, args.db):
        print(saved)
