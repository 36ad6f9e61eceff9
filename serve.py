"""Serves the dashboard: `streamlit run dashboard.py`, with Streamlit's legacy pages/ detection turned off.

Streamlit treats a folder named pages/ beside the entry point as an old-style multipage app until the entry
point first calls st.navigation. On a freshly started server, a shared link straight to a page would then run
that page without its frame (no filters, no navigation). Turning the detection off before the server starts
makes every link, the first one included, go through dashboard.py. Extra arguments go to `streamlit run`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

ROOT = Path(__file__).resolve().parent


def main(argv: list[str]) -> None:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(ROOT / "dashboard.py"), *argv]
    sys.exit(cli.main())


if __name__ == "__main__":
    main(sys.argv[1:])
