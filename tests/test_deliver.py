"""Reports by e-mail against a real SMTP server on localhost (aiosmtpd, started here): the board pack and the
community report of the last full period, sent once per period, --dry-run, a refused connection and a refused
recipient (exit 1, nothing recorded as sent), configuration problems (exit 2, the key named), and alerts that fire
once per change of a target's status."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import io
import ipaddress
import logging
import shutil
import socket
import ssl
import subprocess
import sys
import textwrap
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pypdf import PdfReader

from delivery import deliver
from delivery.config import ConfigProblem, load
from metrics import Period, compute
from store import database, targets
from tests.browser import chromium_missing, free_port
from tests.conftest import ROOT

needs_chromium = pytest.mark.skipif(bool(chromium_missing()), reason=chromium_missing() or "")
Q3_2025 = Period(date(2025, 7, 1), date(2025, 9, 30))


class Inbox:
    """What the server received: each message with its envelope; a recipient in `refuse` is refused (550)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture
def db(sample_db, tmp_path) -> Path:
    """A copy of the sample foundation: deliveries are recorded in it."""
    copy = tmp_path / "foundation.duckdb"
    shutil.copyfile(sample_db, copy)
    return copy


def config(tmp_path: Path, port: int, subscriptions: str, smtp: str | None = None) -> Path:
    path = tmp_path / "foundation.toml"
    path.write_text(
        textwrap.dedent(
            """\
            [foundation]
            name = "Lumen Foundation for Ondine Syndrome"
            short_name = "Lumen Foundation"
            currency = "USD"
            """
        )
        + (
            smtp
            if smtp is not None
            else f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsender = "impact@lumen.example"\nstarttls = false\n'
        )
        + textwrap.dedent(subscriptions),
        encoding="utf-8",
    )
    return path


BOARD = """
[[subscriptions]]
name = "board"
send = "board_pack"
period = "last_full_quarter"
to = ["board@lumen.example", "chair@lumen.example"]
"""
COMMUNITY = """
[[subscriptions]]
name = "newsletter"
send = "community_report"
period = "last_full_year"
to = ["comms@lumen.example"]
"""


def cli(db: Path, conf: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "deliver", "--db", str(db), "--config", str(conf), *args],
        capture_output=True,
        text=True,
        cwd=db.parent,
        timeout=600,
    )


def deliveries(db: Path) -> list[tuple]:
    with database.read(db) as con:
        if not database.has_table(con, "deliveries"):
            return []
        return con.execute(
            "SELECT subscription, sends, period_start, period_end, recipients, status FROM deliveries ORDER BY tried_at"
        ).fetchall()


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@needs_chromium
def test_a_due_board_pack_arrives_once_per_period_with_its_numbers_and_pdf(db, tmp_path, smtp):
    inbox, port = smtp
    conf = config(tmp_path, port, BOARD)
    out = cli(db, conf, "--today", "2025-10-05")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "board: board pack, Q3 2025: sent (to board@lumen.example, chair@lumen.example)"
    ((recipients, message),) = inbox.messages
    assert recipients == ["board@lumen.example", "chair@lumen.example"]
    assert message["Subject"] == "Lumen Foundation: board pack, Q3 2025"
    assert message["From"] == "Lumen Foundation <impact@lumen.example>"
    body = message.get_body(("plain",)).get_content()
    with database.read(db) as con:
        now = compute(con, Q3_2025.start, Q3_2025.end)
    # The headline numbers, as the sample gives them for Q3 2025, each with its change against Q2 2025.
    assert f"- Touchpoints: {now['engagement_count']:,} (" in body
    assert f"- Funding received: ${now['funding_inbound_total']:,.0f} (" in body
    assert "vs Q2 2025)" in body
    # A quarter cannot hold a longitudinal relationship (two quarters needed): left out, and said so.
    assert "Longitudinal relationships:" not in body
    assert "(Longitudinal relationships are measured over half-years and years.)" in body
    assert "INTERNAL: the board pack names partners who asked not to be named" in body
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "board-pack-Q3-2025.pdf"
    assert "Q3 2025" in pdf_text(attachment.get_content())
    assert deliveries(db) == [
        ("board", "board_pack", date(2025, 7, 1), date(2025, 9, 30), "board@lumen.example, chair@lumen.example", "sent")
    ]

    again = cli(db, conf, "--today", "2025-11-20")  # the same quarter: not due
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "board: board pack, Q3 2025: not due (already sent for this period)"
    assert len(inbox.messages) == 1
    forced = cli(db, conf, "--today", "2025-11-20", "--force")
    assert forced.returncode == 0 and len(inbox.messages) == 2


@needs_chromium
def test_the_community_report_goes_through_the_gate_and_says_the_rules(db, tmp_path, smtp):
    inbox, port = smtp
    out = cli(db, config(tmp_path, port, COMMUNITY), "--today", "2025-03-01")
    assert out.returncode == 0, out.stderr
    ((recipients, message),) = inbox.messages
    assert recipients == ["comms@lumen.example"] and message["Subject"] == "Lumen Foundation: community report, 2024"
    body = message.get_body(("plain",)).get_content()
    assert "is safe to share" in body and "never named" in body and "INTERNAL" not in body
    (attachment,) = message.iter_attachments()
    assert attachment.get_filename() == "community-report-2024.pdf"
    assert "2024" in pdf_text(attachment.get_content())


@needs_chromium
def test_a_dry_run_writes_the_messages_and_records_nothing(db, tmp_path, smtp):
    inbox, port = smtp
    conf = config(tmp_path, port, BOARD)
    out = cli(db, conf, "--today", "2025-10-05", "--dry-run", str(tmp_path / "outbox"))
    assert out.returncode == 0, out.stderr
    eml = tmp_path / "outbox" / "board-Q3-2025.eml"
    assert out.stdout.strip() == f"board: board pack, Q3 2025: dry run ({eml})"
    written = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert written["Subject"] == "Lumen Foundation: board pack, Q3 2025"
    assert inbox.messages == [] and deliveries(db) == []


@needs_chromium
def test_a_server_that_cannot_be_reached_fails_the_run_and_nothing_is_recorded_as_sent(db, tmp_path, smtp):
    inbox, port = smtp
    closed = free_port()  # nothing listens there
    conf = config(tmp_path, closed, BOARD)
    out = cli(db, conf, "--today", "2025-10-05")
    assert out.returncode == 1
    assert f"board: board pack, Q3 2025: failed (the mail server 127.0.0.1:{closed} cannot be reached" in out.stderr
    assert [row[-1] for row in deliveries(db)] == ["failed"]
    # Once the server answers, the quarter is still due.
    assert cli(db, config(tmp_path, port, BOARD), "--today", "2025-10-05").returncode == 0
    assert len(inbox.messages) == 1 and [row[-1] for row in deliveries(db)] == ["failed", "sent"]


@needs_chromium
def test_a_refused_recipient_stops_the_message_for_everyone(db, tmp_path, smtp):
    inbox, port = smtp
    inbox.refuse = {"chair@lumen.example"}
    out = cli(db, config(tmp_path, port, BOARD), "--today", "2025-10-05")
    assert out.returncode == 1
    assert "the mail server refused the recipient chair@lumen.example (550 5.1.1 No such mailbox here); nobody was " \
        "sent the message" in out.stderr  # fmt: skip
    assert inbox.messages == []  # the board's own address was accepted, but no content was ever sent
    assert [row[-1] for row in deliveries(db)] == ["failed"]


@pytest.mark.parametrize(
    ("subscriptions", "conf_smtp", "key", "says"),
    [
        (BOARD.replace("last_full_quarter", "last_quarter"), None, "subscriptions[0] (board).period",
         "must be one of last_full_month, last_full_quarter, last_full_year, not 'last_quarter'"),
        (COMMUNITY.replace("last_full_year", "last_full_month"), None, "subscriptions[0] (newsletter).period",
         "the community report is made for calendar quarters and years only"),
        (BOARD.replace('["board@lumen.example", "chair@lumen.example"]', '["the board"]'), None,
         "subscriptions[0] (board).to", "'the board' is not an e-mail address"),
        (BOARD + BOARD, None, "subscriptions[1] (board).name", "is the name of another subscription too"),
        (BOARD.replace("board_pack", "slides"), None, "subscriptions[0] (board).send", "must be one of board_pack"),
        (BOARD, '[smtp]\nhost = "127.0.0.1"\nsender = "impact@lumen.example"\npassword = "hunter2"\n', "smtp.password",
         "is never kept in the file: set the environment variable PARTNERSHIP_SMTP_PASSWORD"),
        (BOARD, '[smtp]\nhost = "127.0.0.1"\nport = 70000\nsender = "impact@lumen.example"\n', "smtp.port",
         "must be a port number from 1 to 65535"),
        (BOARD, "", "smtp", "is missing: subscriptions need [smtp]"),
        (BOARD, '[smtp]\nhost = "127.0.0.1"\nsender = "i@lumen.example"\nssl = true\nstarttls = true\n', "smtp.ssl",
         "and starttls cannot both be true: use ssl = true for a server that is encrypted from the start (port 465)"),
        (BOARD, '[smtp]\nhost = "127.0.0.1"\nsender = "impact@lumen.example"\ntimeout = 0\n', "smtp.timeout",
         "must be the seconds one message may take in all, from 1 to 3600 (default 60), not 0"),
    ],
)  # fmt: skip
def test_a_configuration_problem_exits_2_naming_its_key_and_sends_nothing(
    db, tmp_path, smtp, subscriptions, conf_smtp, key, says
):
    inbox, port = smtp
    conf = config(tmp_path, port, subscriptions, conf_smtp)
    with pytest.raises(ConfigProblem) as problem:
        load(conf)
    assert problem.value.key == key
    out = cli(db, conf, "--today", "2025-10-05")
    assert out.returncode == 2
    assert out.stderr.startswith(f"cli.py deliver: {conf}: {key}: {says}"), out.stderr
    assert inbox.messages == [] and deliveries(db) == []


ALERT = """
[[subscriptions]]
name = "targets"
send = "alert"
to = ["ceo@lumen.example"]
"""


def test_an_alert_fires_once_when_a_status_changes_and_again_only_after_it_recovers(db, tmp_path, smtp):
    inbox, port = smtp
    conf = config(tmp_path, port, ALERT)
    today = date(2026, 1, 10)  # the last full month is December 2025: the alert watches 2025
    with database.read(db) as con:
        touchpoints = compute(con, date(2025, 1, 1), date(2025, 12, 31))["engagement_count"]
    targets.set_target(db, 2025, "engagement_count", touchpoints)  # reached exactly: on track

    def run() -> list[deliver.Outcome]:
        return deliver.run(db, conf, today=today)

    (first,) = run()  # the first look at 2025 only notes the statuses
    assert (first.status, inbox.messages) == ("armed", [])
    assert run()[0].status == "no change"

    targets.set_target(db, 2025, "engagement_count", touchpoints * 2)  # now half of it: off track
    (slipped,) = run()
    assert slipped.status == "sent"
    ((recipients, message),) = inbox.messages
    assert recipients == ["ceo@lumen.example"]
    assert message["Subject"] == "Lumen Foundation: target alert, 2025: a headline metric slipped"
    body = message.get_body(("plain",)).get_content()
    assert f"- Touchpoints: Off track (was on track): {touchpoints:,}, target {touchpoints * 2:,}" in body
    assert run()[0].status == "no change" and len(inbox.messages) == 1  # still off track: told once

    targets.set_target(db, 2025, "engagement_count", touchpoints)  # recovered: told, and armed again
    assert run()[0].status == "sent"
    assert inbox.messages[-1][1]["Subject"] == "Lumen Foundation: target alert, 2025: back on track"
    assert "- Touchpoints: On track (was off track)" in inbox.messages[-1][1].get_body(("plain",)).get_content()
    targets.set_target(db, 2025, "engagement_count", touchpoints * 2)
    assert run()[0].status == "sent" and len(inbox.messages) == 3


# ---------------------------------------------------------------------------------------------------------------
# Under attack: a login never crosses the network unencrypted, one deadline per message, and a message the server
# accepted is sent, whatever happens to the connection after.

USER, PASSWORD = "impact", "correct horse battery staple"
TODAY = date(2026, 1, 10)  # an alert then watches 2025


@pytest.fixture(autouse=True)
def no_login(monkeypatch):
    """No test inherits a mail server login from the shell that runs it."""
    monkeypatch.delenv("PARTNERSHIP_SMTP_USER", raising=False)
    monkeypatch.delenv("PARTNERSHIP_SMTP_PASSWORD", raising=False)


@pytest.fixture
def login(monkeypatch):
    monkeypatch.setenv("PARTNERSHIP_SMTP_USER", USER)
    monkeypatch.setenv("PARTNERSHIP_SMTP_PASSWORD", PASSWORD)


class Heard(logging.Handler):
    """Every command line an aiosmtpd server read, in order (its log says each at INFO: `peer >> line`), and the
    connections it took."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.commands: list[str] = []
        self.connections = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "%r >> %r":
            self.commands.append(record.args[1].split(b" ")[0].decode().upper())
        elif record.msg == "Peer: %r":
            self.connections += 1


@contextlib.contextmanager
def server(handler, **kwargs):
    """A real SMTP server on localhost with what it heard; kwargs go to aiosmtpd (tls_context, ssl_context, ...)."""
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    heard, log = Heard(), logging.getLogger("mail.log")
    level = log.level
    log.setLevel(logging.INFO)
    log.addHandler(heard)  # after start(): its own readiness check is not a client
    try:
        yield heard, controller.port
    finally:
        log.removeHandler(heard)
        log.setLevel(level)
        controller.stop()


class Slow(Inbox):
    """Answers the lines of a message to slow@… late: RCPT and DATA each after `delay` seconds."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("slow@"):
            await asyncio.sleep(self.delay)
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if any(a.startswith("slow@") for a in envelope.rcpt_tos):
            await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


class Vanishing(Inbox):
    """Accepts the message, then drops the connection (`drop`) or never answers QUIT (`stall`)."""

    def __init__(self, how: str) -> None:
        super().__init__()
        self.how = how

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.how == "drop":  # after the 250 below is written: a transport flushes what it holds, then closes
            asyncio.get_running_loop().call_soon(server.transport.close)
        return await super().handle_DATA(server, session, envelope)

    async def handle_QUIT(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(30)
        return "221 Bye"


class Guarded(Inbox):
    """Takes only USER / PASSWORD, and notes for each login whether it arrived over TLS."""

    def __init__(self) -> None:
        super().__init__()
        self.logins: list[tuple[str, bool]] = []

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        encrypted = server.transport.get_extra_info("ssl_object") is not None
        self.logins.append((auth_data.login.decode(), encrypted))
        return AuthResult(success=(auth_data.login, auth_data.password) == (USER.encode(), PASSWORD.encode()))


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key (the certificate is also the one trusted authority)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return folder / "cert.pem", folder / "key.pem"


def tls_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def alerts(*recipients: str) -> str:
    """An alert subscription per recipient, named after its mailbox."""
    return "".join(
        f'\n[[subscriptions]]\nname = "{to.split("@")[0]}"\nsend = "alert"\nto = ["{to}"]\n' for to in recipients
    )


def smtp_table(port: int, settings: str) -> str:
    return f'[smtp]\nhost = "127.0.0.1"\nport = {port}\nsender = "impact@lumen.example"\n{settings}\n'


@pytest.fixture
def off_track(db) -> Path:
    """The sample with a 2025 touchpoints target twice what was done: an alert (forced) has a change to tell."""
    with database.read(db) as con:
        touchpoints = compute(con, date(2025, 1, 1), date(2025, 12, 31))["engagement_count"]
    targets.set_target(db, 2025, "engagement_count", touchpoints * 2)
    return db


def within(seconds: float, work):
    """What work() returns, run in a thread of its own: the test fails, rather than hangs, past `seconds`."""
    box: dict = {}

    def run() -> None:
        try:
            box["result"] = work()
        except BaseException as exc:  # noqa: BLE001 (handed to the test below)
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} seconds"
    if "error" in box:
        raise box["error"]
    return box["result"]


def statuses(db: Path) -> dict[str, tuple[str, str]]:
    with database.read(db) as con:
        rows = con.execute("SELECT subscription, status, detail FROM deliveries ORDER BY tried_at").fetchall()
    return {name: (status, detail) for name, status, detail in rows}


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_login_without_tls_is_refused_before_connecting_naming_the_setting(off_track, tmp_path, login, dry_run):
    with server(Inbox()) as (heard, port):
        conf = config(tmp_path, port, alerts("ceo@lumen.example"), smtp_table(port, "starttls = false"))
        args = ["--today", TODAY.isoformat(), "--force"] + (["--dry-run", str(tmp_path / "outbox")] if dry_run else [])
        out = cli(off_track, conf, *args)
        assert out.returncode == 2, out.stderr
        assert out.stderr == (
            f"cli.py deliver: {conf}: smtp.starttls: is false (and ssl is not set), so the mail server's user and "
            f"password (PARTNERSHIP_SMTP_USER, PARTNERSHIP_SMTP_PASSWORD) would go to 127.0.0.1:{port} unencrypted: "
            "nothing is sent until starttls = true is set in [smtp] (port 587), or ssl = true (port 465), or both "
            "variables are unset for a server that takes mail without a login\n"
        )
        assert PASSWORD not in out.stderr + out.stdout
        assert (heard.connections, heard.commands) == (0, [])  # never connected: no AUTH, no message
    assert deliveries(off_track) == [] and not (tmp_path / "outbox").exists()


def test_without_a_login_a_plain_server_is_still_used(off_track, tmp_path):
    inbox = Inbox()
    with server(inbox) as (heard, port):
        conf = config(tmp_path, port, alerts("ceo@lumen.example"), smtp_table(port, "starttls = false"))
        (sent,) = within(60, lambda: deliver.run(off_track, conf, today=TODAY, force=True))
    assert sent.status == "sent" and len(inbox.messages) == 1
    assert heard.commands == ["EHLO", "MAIL", "RCPT", "DATA", "QUIT"]


def test_a_server_that_does_not_offer_starttls_gets_no_login_and_no_message(off_track, tmp_path, login):
    inbox = Inbox()  # aiosmtpd without a TLS context: no STARTTLS in its EHLO
    with server(inbox) as (heard, port):
        conf = config(tmp_path, port, alerts("ceo@lumen.example"), smtp_table(port, "starttls = true"))
        out = cli(off_track, conf, "--today", TODAY.isoformat(), "--force")
    assert out.returncode == 1
    assert (
        f"ceo: target alert, 2025: failed (the mail server 127.0.0.1:{port} does not offer STARTTLS, which [smtp] "
        "starttls = true in foundation.toml asks for, so nothing was sent, not even the login;" in out.stderr
    )
    assert heard.commands == ["EHLO"] and inbox.messages == []
    assert [row[-1] for row in deliveries(off_track)] == ["failed"]


def test_starttls_comes_before_the_login_and_the_message(off_track, tmp_path, login, certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # the test's own authority, as a foundation's CA file
    inbox = Guarded()
    with server(inbox, tls_context=tls_context(certificate), authenticator=inbox.authenticate) as (heard, port):
        conf = config(tmp_path, port, alerts("ceo@lumen.example"), smtp_table(port, "starttls = true"))
        (sent,) = within(60, lambda: deliver.run(off_track, conf, today=TODAY, force=True))
    assert sent.status == "sent", sent
    assert heard.commands == ["EHLO", "STARTTLS", "EHLO", "AUTH", "MAIL", "RCPT", "DATA", "QUIT"]
    assert inbox.logins == [(USER, True)] and len(inbox.messages) == 1


def test_implicit_tls_encrypts_from_the_first_byte(off_track, tmp_path, login, certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    inbox = Guarded()
    with server(
        inbox, ssl_context=tls_context(certificate), authenticator=inbox.authenticate, auth_require_tls=False
    ) as (heard, port):  # aiosmtpd counts only STARTTLS as TLS for AUTH; the login notes the connection's own
        conf = config(tmp_path, port, alerts("ceo@lumen.example"), smtp_table(port, "ssl = true"))
        (sent,) = within(60, lambda: deliver.run(off_track, conf, today=TODAY, force=True))
    assert sent.status == "sent", sent
    assert heard.commands == ["EHLO", "AUTH", "MAIL", "RCPT", "DATA", "QUIT"]
    assert inbox.logins == [(USER, True)] and len(inbox.messages) == 1


def test_a_certificate_not_valid_for_the_server_stops_everything_before_the_login(
    off_track, tmp_path, login, certificate
):
    inbox = Guarded()  # SSL_CERT_FILE not set: the self-signed certificate proves nothing
    with server(inbox, tls_context=tls_context(certificate), authenticator=inbox.authenticate) as (heard, port):
        conf = config(tmp_path, port, alerts("ceo@lumen.example"), smtp_table(port, ""))  # starttls by default
        (failed,) = within(60, lambda: deliver.run(off_track, conf, today=TODAY, force=True))
    assert failed.status == "failed"
    assert failed.detail.startswith(f"the mail server 127.0.0.1:{port} did not prove who it is (")
    assert heard.commands == ["EHLO", "STARTTLS"] and inbox.logins == [] and inbox.messages == []


def test_ssl_alone_means_implicit_tls_on_port_465_and_a_minute_per_message(tmp_path):
    smtp = '[smtp]\nhost = "smtp.lumen.example"\nsender = "impact@lumen.example"\nssl = true\n'
    conf = config(tmp_path, 0, BOARD, smtp)
    smtp = load(conf).smtp
    assert (smtp.port, smtp.ssl, smtp.starttls, smtp.timeout, smtp.encrypted) == (465, True, False, 60, True)


@pytest.mark.parametrize(
    ("delay", "says"),
    [
        # Each line answered in 2 seconds, within the 3 of the timeout, the whole past them; the message had gone.
        (2, "after the whole message was sent, before the server confirmed it: it may have arrived; the next run "
            "sends it again"),
        # A recipient not answered for 20 seconds: the message itself never left.
        (20, "; the message was not sent, and the next run tries again"),
    ],
    ids=["each line just in time", "a recipient never answers"],
)  # fmt: skip
def test_a_slow_server_gets_one_deadline_per_message_and_the_run_goes_on(off_track, tmp_path, delay, says):
    inbox = Slow(delay)
    with server(inbox) as (heard, port):
        subscriptions = alerts("slow@lumen.example", "ceo@lumen.example")
        conf = config(tmp_path, port, subscriptions, smtp_table(port, "starttls = false\ntimeout = 3"))
        started = time.monotonic()
        late, prompt = within(30, lambda: deliver.run(off_track, conf, today=TODAY, force=True))
        took = time.monotonic() - started
        assert (late.status, prompt.status) == ("failed", "sent")
        assert late.detail.startswith(f"the mail server 127.0.0.1:{port} did not finish within 3 seconds ([smtp] ")
        assert late.detail.endswith(says), late.detail
        assert took < 3 + deliver.GRACE + 6  # the slow message's deadline, then the prompt one's few milliseconds
        arrived = [to for to, _ in inbox.messages]
        assert ["ceo@lumen.example"] in arrived
        if delay == 20:
            assert arrived == [["ceo@lumen.example"]]
    assert statuses(off_track) == {"slow": ("failed", late.detail), "ceo": ("sent", "")}


@pytest.mark.parametrize("how", ["drop", "stall"])
def test_a_message_the_server_accepted_is_sent_whatever_the_connection_does_next(off_track, tmp_path, how):
    inbox = Vanishing(how)
    with server(inbox) as (heard, port):
        conf = config(tmp_path, port, alerts("ceo@lumen.example"), smtp_table(port, "starttls = false\ntimeout = 2"))
        (sent,) = within(30, lambda: deliver.run(off_track, conf, today=TODAY, force=True))
        assert sent.status == "sent", sent
        assert heard.commands == ["EHLO", "MAIL", "RCPT", "DATA"] + (["QUIT"] if how == "stall" else [])
        assert statuses(off_track) == {"ceo": ("sent", "")}
        (again,) = within(30, lambda: deliver.run(off_track, conf, today=TODAY))  # not forced: told once
        assert again.status == "no change" and len(inbox.messages) == 1


@needs_chromium
def test_a_board_pack_the_server_accepted_before_dropping_the_line_is_not_due_again(db, tmp_path):
    inbox = Vanishing("drop")
    with server(inbox) as (heard, port):
        conf = config(tmp_path, port, BOARD)
        out = cli(db, conf, "--today", "2025-10-05")
        assert out.returncode == 0, out.stderr
        again = cli(db, conf, "--today", "2025-10-06")
    assert again.stdout.strip() == "board: board pack, Q3 2025: not due (already sent for this period)"
    assert len(inbox.messages) == 1 and [row[-1] for row in deliveries(db)] == ["sent"]


def test_a_server_that_never_greets_is_given_up_at_the_deadline(off_track, tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as silent:  # the kernel completes the connection; nobody answers
        port = silent.getsockname()[1]
        conf = config(tmp_path, port, alerts("ceo@lumen.example"), smtp_table(port, "starttls = false\ntimeout = 2"))
        started = time.monotonic()
        (failed,) = within(30, lambda: deliver.run(off_track, conf, today=TODAY, force=True))
        took = time.monotonic() - started
    assert failed.detail == (
        f"the mail server 127.0.0.1:{port} did not finish within 2 seconds ([smtp] timeout); the message was not "
        "sent, and the next run tries again"
    )
    assert took < 2 + deliver.GRACE + 6
    assert statuses(off_track) == {"ceo": ("failed", failed.detail)}
