"""Serves the dashboard: `streamlit run dashboard.py`, with Streamlit's legacy pages/ detection turned off.

Streamlit treats a folder named pages/ beside the entry point as an old-style multipage app until the entry
point first calls st.navigation. On a freshly started server, a shared link straight to a page would then run
that page without its frame (no filters, no navigation). Turning the detection off before the server starts
makes every link, the first one included, go through dashboard.py. Extra arguments go to `streamlit run`.

Without sign-in configured ([auth] in .streamlit/secrets.toml) the dashboard is for one person on their own
machine: it refuses to listen beyond localhost, unless started with --public-only, which serves the
community-safe view alone to everyone (no sign-in, no internal page, no write).
"""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

ROOT = Path(__file__).resolve().parent
LOCAL_ADDRESSES = {"localhost", "127.0.0.1", "::1", ""}
PUBLIC_ONLY = "--public-only"


def address(argv: list[str]) -> str:
    """The address the server will listen on: --server.address, else .streamlit/config.toml's (localhost)."""
    for i, arg in enumerate(argv):
        if arg.startswith("--server.address="):
            return arg.split("=", 1)[1]
        if arg == "--server.address" and i + 1 < len(argv):
            return argv[i + 1]
    config = ROOT / ".streamlit" / "config.toml"
    if config.exists():
        return str(tomllib.loads(config.read_text(encoding="utf-8")).get("server", {}).get("address", "localhost"))
    return "localhost"


def sign_in_configured() -> bool:
    """Whether a secrets file Streamlit reads holds an [auth] section."""
    for path in (ROOT / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"):
        if path.exists() and "auth" in tomllib.loads(path.read_text(encoding="utf-8")):
            return True
    return False


def refusal(argv: list[str]) -> str | None:
    """Why the server must not start with these arguments, or None."""
    where = address(argv)
    if where in LOCAL_ADDRESSES or PUBLIC_ONLY in argv or sign_in_configured():
        return None
    return (
        f"serve.py: not listening on {where} without sign-in: anyone who reached it could read every confidential "
        "partner and change the data. Configure sign-in ([auth] in .streamlit/secrets.toml, see the README), or "
        f"start with {PUBLIC_ONLY} to serve the community-safe view alone."
    )


def main(argv: list[str]) -> None:
    why = refusal(argv)
    if why:
        print(why, file=sys.stderr)
        sys.exit(2)
    if PUBLIC_ONLY in argv:
        argv = [a for a in argv if a != PUBLIC_ONLY]
        os.environ["PARTNERSHIP_PUBLIC_ONLY"] = "1"
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(ROOT / "dashboard.py"), *argv]
    sys.exit(cli.main())


if __name__ == "__main__":
    main(sys.argv[1:])
