"""Delivers what each subscription asks for: the board pack or the community report of the last full period
before today, as a PDF attached to one e-mail per subscription, sent once per period; and alerts when a headline
metric's status against its target changes.

A delivery is recorded (when, what, the period, to whom, sent or failed) in the database's deliveries table as
soon as it is settled, so that running it again in the same period sends nothing (force sends again). A message
is sent once the mail server has accepted it (250 after DATA), whatever the connection does after; one that fails,
or takes longer than [smtp] timeout in all, is recorded as failed and makes the run fail, and nothing is marked as
sent that was not accepted for every recipient (one refused recipient stops the message before any is sent). A
login never goes over an unencrypted connection.
"""

from __future__ import annotations

import email.policy
import smtplib
import socket
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path

import settings as settings_module
from community import RULES_IN_WORDS
from delivery.config import OUTPUTS, ConfigProblem, Deliveries, Smtp, Subscription, check_login
from delivery.config import load as load_config
from lens import Direct, Lens, View
from metrics import CATALOGUE, HEADLINE, Period
from metrics import format as fmt
from metrics import targets as goals
from reports import bundle, slides
from store import database

ALERT = "alert"


@dataclass
class Outcome:
    """What became of one subscription in this run."""

    subscription: str
    what: str  # "board pack", "community report", "board pack and community report", "target alert"
    period: str  # "Q1 2024"
    status: str  # sent, failed, not due, dry run, no change, armed
    detail: str = ""
    files: list[Path] = field(default_factory=list)

    def __str__(self) -> str:
        said = f"{self.subscription}: {self.what}, {self.period}: {self.status}"
        return f"{said} ({self.detail})" if self.detail else said


@dataclass
class Letter:
    """A message ready to send, and what to record once it is sent."""

    subscription: Subscription
    what: str
    period: Period
    message: EmailMessage
    states: dict[str, str | None] = field(default_factory=dict)  # an alert's statuses, kept once it is sent


def last_full(kind: str, today: date) -> Period:
    """The last full calendar month, quarter or year that ends before today."""
    if kind == "last_full_month":
        end = today.replace(day=1) - timedelta(days=1)
        return Period(end.replace(day=1), end)
    if kind == "last_full_quarter":
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        end = first - timedelta(days=1)
        return Period(date(end.year, end.month - 2, 1), end)
    if kind == "last_full_year":
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    raise ValueError(f"unknown period {kind!r}")


def alert_year(today: date) -> Period:
    """The calendar year an alert watches: the year of the last full month (January's run still closes the old
    year)."""
    month = last_full("last_full_month", today)
    return Period(date(month.start.year, 1, 1), date(month.start.year, 12, 31))


# ---------------------------------------------------------------------------------------------------------------
# What is due


def _sent(con, subscription: str, period: Period) -> bool:
    if not database.has_table(con, "deliveries"):  # a database from before deliveries: its next write adds them
        return False
    return bool(
        database.scalar(
            con,
            "SELECT count(*) FROM deliveries WHERE subscription = ? AND period_start = ? AND period_end = ? "
            "AND status = 'sent'",
            [subscription, period.start, period.end],
        )
    )


def _told(con, subscription: str, year: int) -> dict[str, str | None] | None:
    """The statuses an alert last told of for the year; None when it has not looked at that year yet."""
    if not database.has_table(con, "alert_states"):
        return None
    rows = con.execute(
        "SELECT metric_id, status FROM alert_states WHERE subscription = ? AND year = ?", [subscription, year]
    ).fetchall()
    return dict(rows) if rows else None


def _statuses(lens: Lens) -> dict[str, str | None]:
    """Each headline metric's status against its target, as the Overview shows it (None: no target or value)."""
    now, targets = lens.current(HEADLINE), lens.targets(HEADLINE)
    found = {}
    for metric_id in HEADLINE:
        status = goals.status(CATALOGUE[metric_id], now.get(metric_id), targets.get(metric_id))
        found[metric_id] = status.key if status else None
    return found


# ---------------------------------------------------------------------------------------------------------------
# The messages


# Needs engagements in two calendar quarters (shared/METRICS.md): a quarter or a month is always 0%, so a quarterly
# or monthly e-mail leaves it out rather than report a fall no one can act on.
LONGITUDINAL = "relationship_longitudinal_share"


def _headlines(lens: Lens, currency: str) -> list[str]:
    """The headline numbers and their change, one line each, in plain text."""
    now, before = lens.current(HEADLINE), lens.prior(HEADLINE)
    versus = lens.view.baseline.label
    short = lens.view.period.calendar in ("quarter", "month")
    lines = []
    for metric_id in HEADLINE:
        if short and metric_id == LONGITUDINAL:
            continue
        metric = CATALOGUE[metric_id]
        shown = fmt.value(metric, now.get(metric_id), currency)
        change = fmt.change(metric, now.get(metric_id), before.get(metric_id))
        lines.append(f"- {metric.label}: {shown}" + (f" ({change} vs {versus})" if change else ""))
    if short:
        lines.append(f"({CATALOGUE[LONGITUDINAL].label} are measured over half-years and years.)")
    lines += dict.fromkeys(lens.caveats(HEADLINE).values())  # the gate's sentence for a statistic of the cells
    return lines


def _records_through(con) -> str:
    _, last = database.record_dates(con)
    return f"Records through {last:%-d %B %Y}." if last else "There are no records yet."


def _envelope(config, smtp: Smtp, sub: Subscription, subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = formataddr((config.short_name, smtp.sender))
    msg["To"] = ", ".join(sub.to)
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain=smtp.sender.rpartition("@")[2])
    msg.set_content(body)
    return msg


def _report_letter(db: Path, config, smtp: Smtp, sub: Subscription, period: Period) -> Letter:
    """The e-mail of a report subscription: the PDF(s) attached, the headline numbers in the body."""
    what = " and ".join(OUTPUTS[o] for o in sub.outputs)
    parts = [f"{config.name}: the {what} for {period.label}.", ""]
    attachments: list[tuple[str, bytes]] = []
    slug = period.label.replace(" ", "-")
    with database.read(db) as con:
        through = _records_through(con)
        if "board_pack" in sub.outputs:
            lens = Lens(Direct(con), View(period))
            parts += [
                "INTERNAL: the board pack names partners who asked not to be named in public. Keep it within the "
                "board and staff; do not forward it. The community report is the version to share.",
                "",
                f"Headline numbers for {period.label}:",
                *_headlines(lens, config.currency),
                "",
            ]
        if "community_report" in sub.outputs:
            lens = Lens(Direct(con), View(period, community=True))
            parts += [
                f"The community report for {period.label} is safe to share: every number in it, and below, follows "
                "the community rules.",
                "",
                f"{period.label} at a glance (community-safe):",
                *_headlines(lens, config.currency),
                "",
                RULES_IN_WORDS,
                "",
            ]
    if "board_pack" in sub.outputs:
        pdf = slides.board_pack_bytes(db, View(period))
        attachments.append((f"board-pack-{slug}.pdf", pdf))
    if "community_report" in sub.outputs:
        with tempfile.TemporaryDirectory() as tmp:
            written = bundle.write(db, period, Path(tmp))
            attachments.append((f"community-report-{slug}.pdf", written.pdf.read_bytes()))
    parts += [
        f"{through} The {what} {'is' if len(attachments) == 1 else 'are'} attached as PDF.",
        "",
        f"Sent by Partnership Impact for the subscription “{sub.name}”. An administrator changes it on the Data "
        "page (Deliveries) or in foundation.toml.",
    ]
    subject = f"{config.short_name}: {what}, {period.label}"
    msg = _envelope(config, smtp, sub, subject, "\n".join(parts) + "\n")
    for name, data in attachments:
        msg.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return Letter(sub, what, period, msg)


def _alert_letter(
    db: Path, config, smtp: Smtp, sub: Subscription, year: Period, told: dict, now: dict
) -> Letter | None:
    """The e-mail of an alert: each headline metric whose status changed since the last alert (None: no change)."""
    changed = [m for m in HEADLINE if now.get(m) is not None and now.get(m) != told.get(m)]
    if not changed:
        return None
    with database.read(db) as con:
        lens = Lens(Direct(con), View(year))
        values, targets = lens.current(HEADLINE), lens.targets(HEADLINE)
        through = _records_through(con)
    lines = []
    for metric_id in changed:
        metric = CATALOGUE[metric_id]
        new = goals.STATUSES[now[metric_id]].words
        was = goals.STATUSES[told[metric_id]].words.lower() if told.get(metric_id) else "no status"
        shown = fmt.value(metric, values.get(metric_id), config.currency)
        target = goals.target_text(metric, targets[metric_id], config.currency)
        lines.append(f"- {metric.label}: {new} (was {was}): {shown}, {target}")
    slipped = any(now[m] != "on_track" for m in changed)
    subject = f"{config.short_name}: target alert, {year.label}: " + (
        "a headline metric slipped" if slipped else "back on track"
    )
    if len(changed) > 1:
        subject = f"{config.short_name}: target alert, {year.label}: {len(changed)} headline metrics changed"
    body = "\n".join(
        [
            f"{config.name}: the status of {len(changed)} headline metric{'s' if len(changed) > 1 else ''} against "
            f"its {year.label} target changed.",
            "",
            *lines,
            "",
            f"{through} The statuses are those of the Overview for {year.label}: on track at or past the target, "
            "watch within 10% of it, off track beyond.",
            "",
            "INTERNAL: for the foundation's staff and board.",
            "",
            f"Sent by Partnership Impact for the alert “{sub.name}”, once for each change of status.",
        ]
    )
    return Letter(sub, "target alert", year, _envelope(config, smtp, sub, subject, body + "\n"), dict(now))


# ---------------------------------------------------------------------------------------------------------------
# Sending and recording


class SendFailed(Exception):
    """The mail server could not be reached, or refused the message or a recipient: the sentence says which."""


# After the deadline has cut the connection, the seconds a message's thread has to say how it ended.
GRACE = 2


class _Bounded:
    """smtplib under one deadline for a whole conversation. Its own timeout is per socket operation, so a server
    that answers each line just in time could hold a message for ever: here each wait gets only the time left,
    nothing is sent once the deadline has passed or the run has given up, and the moment the message itself has
    left is noted (from then on the server may have it)."""

    sock: socket.socket | None

    def __init__(self, host: str, port: int, *, talk: _Talk, **kwargs) -> None:
        self.talk = talk
        self.content_sent = False
        talk.server = self  # so that the run can cut the connection while this still connects
        super().__init__(host, port, **kwargs)

    def left(self) -> float:
        """The seconds left; TimeoutError once there are none, or the run gave up on this message."""
        left = self.talk.deadline - time.monotonic()
        if left <= 0 or self.talk.stopped.is_set():
            raise TimeoutError("the deadline passed")
        return left

    def _get_socket(self, host, port, timeout):
        return super()._get_socket(host, port, self.left())

    def send(self, s):
        left = self.left()
        if self.sock:
            self.sock.settimeout(left)
        super().send(s)
        if isinstance(s, bytes):  # smtplib sends its commands as str, and only the message itself (DATA) as bytes
            self.content_sent = True

    def getreply(self):
        if self.sock:
            self.sock.settimeout(self.left())
        return super().getreply()


class _Client(_Bounded, smtplib.SMTP):
    """A plain connection, made encrypted by STARTTLS (left plain only with starttls = false and no login)."""


class _ImplicitClient(_Bounded, smtplib.SMTP_SSL):
    """A connection encrypted from its first byte (SMTPS, [smtp] ssl = true)."""


@dataclass
class _Talk:
    """One message's conversation with the mail server, in a thread of its own so that the run waits for it no
    longer than the deadline, whatever the server (or the name lookup) does."""

    smtp: Smtp
    letter: Letter
    deadline: float  # time.monotonic()
    stopped: threading.Event = field(default_factory=threading.Event)
    server: _Bounded | None = None
    accepted: bool = False  # the server answered 250 to the message: it is the server's now
    failure: str | None = None
    late: bool = False

    @property
    def where(self) -> str:
        return f"{self.smtp.host}:{self.smtp.port}"

    def run(self) -> None:
        try:
            self._talk()
        except SendFailed as exc:
            self.failure = str(exc)
        except (OSError, smtplib.SMTPException) as exc:
            self.late = self.stopped.is_set() or _timed_out(exc)
            self.failure = self._broke(exc)
        except Exception as exc:  # noqa: BLE001 (a thread's own error would only be printed; the run says it)
            self.failure = f"sending failed unexpectedly ({type(exc).__name__}: {exc})"
        finally:
            if self.server is not None:
                self.server.close()

    def _talk(self) -> None:
        smtp = self.smtp
        try:
            if smtp.ssl:
                server = _ImplicitClient(smtp.host, smtp.port, talk=self, context=ssl.create_default_context())
            else:
                server = _Client(smtp.host, smtp.port, talk=self)
        except ssl.SSLCertVerificationError as exc:
            raise SendFailed(self._unproven(exc)) from None
        except (OSError, smtplib.SMTPException) as exc:
            if self.stopped.is_set() or _timed_out(exc):
                raise
            raise SendFailed(f"the mail server {self.where} cannot be reached ({exc})") from None
        server.ehlo()
        if smtp.starttls:
            if not server.has_extn("starttls"):  # never go on in the clear: say so and send nothing
                raise SendFailed(
                    f"the mail server {self.where} does not offer STARTTLS, which [smtp] starttls = true in "
                    "foundation.toml asks for, so nothing was sent, not even the login; ask the mail provider for "
                    "its STARTTLS port (usually 587), or set ssl = true for one encrypted from the start (465)"
                )
            try:
                server.starttls(context=ssl.create_default_context())
            except ssl.SSLCertVerificationError as exc:
                raise SendFailed(self._unproven(exc)) from None
            server.ehlo()
        if smtp.user:
            if not isinstance(server.sock, ssl.SSLSocket):  # config.check_login refuses this first; never send it
                raise SendFailed(f"the connection to {self.where} is not encrypted, so the login was not sent")
            try:
                server.login(smtp.user, smtp.password or "")
            except smtplib.SMTPAuthenticationError:
                raise SendFailed(
                    f"the mail server {smtp.host} refused the user and password (PARTNERSHIP_SMTP_USER, "
                    "PARTNERSHIP_SMTP_PASSWORD)"
                ) from None
        _send(server, smtp, self.letter)
        self.accepted = True
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            pass  # the server has the message: a connection that breaks now changes nothing

    def stop(self) -> None:
        """Gives up at the deadline: nothing more is sent, and the connection is cut so that a wait ends now."""
        self.stopped.set()
        sock = self.server.sock if self.server is not None else None
        if sock is not None:
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's: wakes a read, TLS or not
            except OSError:
                pass

    def outcome(self) -> tuple[str, str]:
        """("sent", "") once the server accepted the message, else ("failed", the sentence why)."""
        if self.accepted:
            return "sent", ""
        if self.stopped.is_set() or self.failure is None:
            self.late = True
            return "failed", self._broke(None)
        return "failed", self.failure

    def _broke(self, exc: BaseException | None) -> str:
        sent = self.server is not None and self.server.content_sent
        if self.late:
            said = f"the mail server {self.where} did not finish within {self.smtp.timeout:g} seconds ([smtp] timeout)"
        else:
            said = f"the connection to the mail server {self.where} broke ({exc})"
        if sent:
            return (
                f"{said} after the whole message was sent, before the server confirmed it: it may have arrived; the "
                "next run sends it again"
            )
        return f"{said}; the message was not sent, and the next run tries again"

    def _unproven(self, exc: ssl.SSLCertVerificationError) -> str:
        return (
            f"the mail server {self.where} did not prove who it is ({exc.verify_message}), so nothing was sent; its "
            "certificate must be valid for that name"
        )


def _timed_out(exc: BaseException) -> bool:
    """Whether the error is a wait that ran out (smtplib wraps some in SMTPServerDisconnected)."""
    return isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError)


def _deliver(smtp: Smtp, letter: Letter) -> tuple[str, str]:
    """Sends one message within [smtp] timeout seconds in all, from connecting to QUIT: ("sent", "") once the
    server has accepted it, whatever happens after, else ("failed", why)."""
    talk = _Talk(smtp, letter, time.monotonic() + smtp.timeout)
    thread = threading.Thread(target=talk.run, name=f"smtp {letter.subscription.name}", daemon=True)
    thread.start()
    thread.join(smtp.timeout)
    if thread.is_alive():
        talk.stop()
        thread.join(GRACE)
    return talk.outcome()


def _send(server: smtplib.SMTP, smtp: Smtp, letter: Letter) -> None:
    """Sends one message to all its recipients or to none: a refused recipient stops it before its content is sent."""
    recipients = list(letter.subscription.to)
    try:
        code, reply = server.mail(smtp.sender)
        if code != 250:
            raise SendFailed(
                f"the mail server refused the sender {smtp.sender} ({code} {reply.decode(errors='replace')})"
            )
        for address in recipients:
            code, reply = server.rcpt(address)
            if code not in (250, 251):
                server.rset()
                raise SendFailed(
                    f"the mail server refused the recipient {address} ({code} {reply.decode(errors='replace')}); "
                    "nobody was sent the message"
                )
        code, reply = server.data(letter.message.as_bytes(policy=email.policy.SMTP))  # lines end in CRLF
        if code != 250:
            raise SendFailed(f"the mail server refused the message ({code} {reply.decode(errors='replace')})")
    except smtplib.SMTPResponseException as exc:
        raise SendFailed(
            f"the mail server refused the message ({exc.smtp_code} {exc.smtp_error.decode(errors='replace')})"
        ) from None


def _record(db: Path, rows: list[tuple], states: list[tuple]) -> None:
    """Keeps the deliveries tried and the alerts' statuses (one small write, not journaled: a log)."""
    if not rows and not states:
        return
    with database.write(db, rows=len(rows) + len(states)) as con:
        if rows:
            con.executemany("INSERT INTO deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        for state in states:
            con.execute(
                "INSERT INTO alert_states VALUES (?, ?, ?, ?, ?) ON CONFLICT (subscription, year, metric_id) "
                "DO UPDATE SET status = excluded.status, told_at = excluded.told_at",
                state,
            )


def _row(letter: Letter, status: str, detail: str) -> tuple:
    sub = letter.subscription
    sends = ALERT if sub.send == ALERT else "+".join(sub.outputs)
    return (
        datetime.now(UTC),
        sub.name,
        sends,
        letter.period.start,
        letter.period.end,
        ", ".join(sub.to),
        status,
        detail,
    )


def _state_rows(sub: Subscription, year: Period, states: dict[str, str | None]) -> list[tuple]:
    at = datetime.now(UTC)
    return [(sub.name, year.start.year, metric_id, status, at) for metric_id, status in states.items()]


def run(
    db: Path | str,
    config_path: Path | str,
    *,
    today: date,
    only: str | None = None,
    dry_run: Path | None = None,
    force: bool = False,
) -> list[Outcome]:
    """Delivers every due subscription (or only the one named); ConfigProblem before anything is built or sent."""
    db, config_path = Path(db), Path(config_path)
    deliveries: Deliveries = load_config(config_path)
    config = settings_module.load(config_path)
    subs = [s for s in deliveries.subscriptions if only in (None, s.name)]
    if only and not subs:
        names = ", ".join(s.name for s in deliveries.subscriptions) or "none is configured"
        raise ConfigProblem(config_path, "subscriptions", f"there is no subscription named {only!r} ({names})")
    if not db.exists():
        raise ConfigProblem(config_path, "data.database", f"there is no database at {db}")
    smtp = deliveries.smtp
    if subs:
        check_login(smtp, config_path)  # before anything is built: a login is never sent unencrypted
    outcomes: list[Outcome] = []
    letters: list[Letter] = []
    armed: list[tuple] = []
    for sub in subs:
        if sub.send == ALERT:
            year = alert_year(today)
            with database.read(db) as con:
                told = _told(con, sub.name, year.start.year)
                now = _statuses(Lens(Direct(con), View(year)))
            if told is None and not force:  # the first look at a year: what it sees is the baseline
                if dry_run is None:
                    armed += _state_rows(sub, year, now)
                outcomes.append(Outcome(sub.name, "target alert", year.label, "armed", _said(now)))
                continue
            letter = _alert_letter(db, config, smtp, sub, year, told or {}, now)
            if letter is None:
                outcomes.append(Outcome(sub.name, "target alert", year.label, "no change", _said(now)))
            else:
                letters.append(letter)
            continue
        period = last_full(sub.period, today)
        with database.read(db) as con:
            done = _sent(con, sub.name, period)
        what = " and ".join(OUTPUTS[o] for o in sub.outputs)
        if done and not force:
            outcomes.append(Outcome(sub.name, what, period.label, "not due", "already sent for this period"))
            continue
        letters.append(_report_letter(db, config, smtp, sub, period))
    if dry_run is not None:
        dry_run.mkdir(parents=True, exist_ok=True)
        for letter in letters:
            path = dry_run / f"{letter.subscription.name}-{letter.period.label.replace(' ', '-')}.eml"
            path.write_bytes(letter.message.as_bytes())
            outcomes.append(
                Outcome(letter.subscription.name, letter.what, letter.period.label, "dry run", str(path), [path])
            )
        return outcomes
    _record(db, [], armed)
    for letter in letters:  # each recorded as soon as it is settled: a run stopped later keeps what was sent
        status, detail = _deliver(smtp, letter)
        sent = status == "sent"
        states = _state_rows(letter.subscription, letter.period, letter.states) if sent and letter.states else []
        _record(db, [_row(letter, status, detail)], states)
        said = f"to {', '.join(letter.subscription.to)}" if sent else detail
        outcomes.append(Outcome(letter.subscription.name, letter.what, letter.period.label, status, said))
    return outcomes


def _said(states: dict[str, str | None]) -> str:
    counts: dict[str, int] = {}
    for status in states.values():
        if status:
            counts[status] = counts.get(status, 0) + 1
    if not counts:
        return "no headline metric has a target this year"
    return ", ".join(f"{n} {goals.STATUSES[k].words.lower()}" for k, n in counts.items())
