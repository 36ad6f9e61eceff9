"""Reports by e-mail against a real SMTP server on localhost (aiosmtpd, started here): the board pack and the
community report of the last full period, sent once per period, --dry-run, a refused connection and a refused
recipient (exit 1, nothing recorded as sent), configuration problems (exit 2, the key named), and alerts that fire
once per change of a target's status."""

from __future__ import annotations

import email
import email.policy
import io
import shutil
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
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
