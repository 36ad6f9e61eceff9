"""Serves the dashboard: `streamlit run dashboard.py`, with Streamlit's legacy pages/ detection turned off.

Streamlit treats a folder named pages/ beside the entry point as an old-style multipage app until the entry
point first calls st.navigation. On a freshly started server, a shared link straight to a page would then run
that page without its frame (no filters, no navigation). Turning the detection off before the server starts
makes every link, the first one included, go through dashboard.py. Extra arguments go to `streamlit run`.

Without sign-in configured ([auth] in .streamlit/secrets.toml) the dashboard is for one person on their own
machine: it refuses to listen beyond localhost, unless started with --public-only, which serves the
community-safe view alone to everyone (no sign-in, no internal page, no write). The address and the secrets are
judged as Streamlit itself reads them (its flags, environment and config files), so no form of giving them
gets round the rule.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from streamlit import config
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.secrets import Secrets
from streamlit.web import bootstrap, cli

from access import loopback

ROOT = Path(__file__).resolve().parent
DASHBOARD = ROOT / "dashboard.py"
PUBLIC_ONLY = "--public-only"


def load_streamlit_config(argv: list[str]) -> None:
    """Loads Streamlit's configuration as `streamlit run dashboard.py ARGV` will, with its own code: the config files
    (~/.streamlit, the project's, the script's), STREAMLIT_* environment variables, then the flags in any form (the
    last of one given twice wins). Raises click's error for arguments `streamlit run` would refuse."""
    with cli.main.make_context("streamlit", ["run"]) as group:
        run = cli.main_run.make_context("run", [str(DASHBOARD), *argv], parent=group)
    flags = {name: value for name, value in run.params.items() if name not in ("target", "args")}
    config._main_script_path = str(Path(run.params["target"]).resolve())  # as cli._main_run sets it
    bootstrap.load_config_options(flag_options=flags)


def sign_in_configured() -> bool:
    """Whether the secrets Streamlit will read (its secrets.files, flags included) hold an [auth] section, as the
    dashboard asks (ui/session.py); secrets Streamlit could not read count as none, as the dashboard then finds none."""
    reader, found = Secrets(), {}
    try:
        for path in config.get_option("secrets.files"):
            found.update(reader._parse_file_path(path)[0])  # Streamlit's reading of one file or folder
    except Exception:
        return False
    return "auth" in found


def refusal(argv: list[str]) -> str | None:
    """Why the server must not start with these arguments (--public-only left out), or None; loads Streamlit's
    configuration first."""
    load_streamlit_config(argv)
    address = str(config.get_option("server.address") or "")
    if loopback(address) or sign_in_configured():
        return None
    where = address or "every interface (server.address is empty)"
    return (
        f"serve.py: not listening on {where} without sign-in: anyone who reached it could read every confidential "
        "partner and change the data. Configure sign-in ([auth] in .streamlit/secrets.toml, see the README), or "
        f"start with {PUBLIC_ONLY} to serve the community-safe view alone."
    )


def main(argv: list[str]) -> None:
    public = PUBLIC_ONLY in argv
    argv = [a for a in argv if a != PUBLIC_ONLY]
    try:
        why = None if public else refusal(argv)
    except click.ClickException as problem:  # what `streamlit run` would say of these arguments, before any start
        problem.show()
        sys.exit(problem.exit_code)
    except click.exceptions.Exit as done:  # --help
        sys.exit(done.exit_code)
    if why:
        print(why, file=sys.stderr)
        sys.exit(2)
    if public:
        os.environ["PARTNERSHIP_PUBLIC_ONLY"] = "1"
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(DASHBOARD), *argv]
    sys.exit(cli.main())


if __name__ == "__main__":
    main(sys.argv[1:])
