"""serve.py in real processes: without sign-in it listens on localhost only, however the address is given (flags in
any form and order, the environment, config files), judged as Streamlit itself reads them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.browser import free_port, streamlit_server
from tests.conftest import ROOT

REFUSED = "without sign-in: anyone who reached it could read every confidential partner and change the data."


def serve(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT, script: Path = ROOT / "serve.py"):
    """Runs `python serve.py ARGS` to its end (a server that starts is stopped by the timeout: a failure)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    return subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**clean, **(env or {})},
        timeout=60,
    )


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize(
    ("args", "env", "where"),
    [
        (["--server.address="], {}, "every interface (server.address is empty)"),
        (["--server.address", ""], {}, "every interface (server.address is empty)"),
        ([], {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0"}, "0.0.0.0"),
        (["--server.address", "localhost", "--server.address", "0.0.0.0"], {}, "0.0.0.0"),
        (["--server.address=localhost", "--server.address=0.0.0.0"], {}, "0.0.0.0"),
        (["--server.address=127.0.0.1", "--server.address", "::"], {}, "::"),
        (["--server.address", "192.0.2.7"], {}, "192.0.2.7"),
        (["--server.address", "localhost.evil.example"], {}, "localhost.evil.example"),
    ],
)
def test_without_sign_in_every_way_of_asking_for_more_than_localhost_is_refused(args, env, where):
    port = free_port()
    done = serve(*args, "--server.port", str(port), env=env)
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.startswith(f"serve.py: not listening on {where} {REFUSED}")
    assert "--public-only" in done.stderr
    assert not listening(port)


def test_an_address_in_the_config_file_next_to_the_dashboard_is_refused_too(tmp_path):
    # Streamlit reads the .streamlit/config.toml beside the script last: a copy of serve.py with such a file (the
    # project's modules it imports still found in the checkout).
    shutil.copy(ROOT / "serve.py", tmp_path / "serve.py")
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "config.toml").write_text('[server]\naddress = "0.0.0.0"\n')
    port = free_port()
    done = serve("--server.port", str(port), cwd=tmp_path, script=tmp_path / "serve.py", env={"PYTHONPATH": str(ROOT)})
    assert done.returncode == 2, done.stderr[-2000:]
    assert done.stderr.startswith(f"serve.py: not listening on 0.0.0.0 {REFUSED}")
    assert not listening(port)


def judged(*args: str, cwd: Path = ROOT) -> str:
    """serve.refusal(ARGS) in a process of its own (it loads Streamlit's configuration): the refusal, or None."""
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); import serve; print(serve.refusal(sys.argv[1:]))"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, env=clean, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


@pytest.mark.parametrize(
    ("secrets", "allowed"),
    [
        ('[auth]\nclient_id = "x"\n', True),
        ('[other]\nkey = "x"\n', False),  # secrets, but no sign-in
        ("[auth\n", False),  # a file Streamlit cannot read: the dashboard would find no sign-in either
    ],
)
def test_sign_in_is_judged_from_the_secrets_file_streamlit_will_read(tmp_path, secrets, allowed):
    path = tmp_path / "secrets.toml"
    path.write_text(secrets)
    said = judged("--server.address", "0.0.0.0", "--secrets.files", str(path), cwd=tmp_path)
    assert (said == "None") is allowed, said


@pytest.mark.parametrize("address", ["localhost", "127.0.0.1", "127.8.9.10", "::1", "0:0:0:0:0:0:0:1", "LOCALHOST"])
def test_a_local_address_is_allowed_without_sign_in(address):
    assert judged("--server.address", address, "--secrets.files", "/nonexistent/secrets.toml") == "None"


def test_arguments_streamlit_would_refuse_are_refused_before_anything_starts():
    done = serve("--server.adress", "0.0.0.0")
    assert done.returncode == 2
    assert "No such option: --server.adress" in done.stderr or "No such option '--server.adress'" in done.stderr


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--server.address", "localhost"), {}),
        # The flag wins over the environment, as in Streamlit: localhost, though the environment says every address.
        (("--server.address=localhost",), {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0"}),
    ],
)
def test_on_localhost_the_dashboard_starts_and_serves(sample_db, args, env):
    with streamlit_server(sample_db, args=args, env=env) as url:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as health:
            assert health.read() == b"ok"
        with urllib.request.urlopen(url, timeout=10) as page:
            assert b"<title>" in page.read()
