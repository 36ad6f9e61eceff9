"""The command line: build the sample database, import files, print metrics, write the report, export, and
list or undo the writes."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
from datetime import date
from pathlib import Path


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from None


def _missing(db: Path) -> bool:
    """Says so on standard error when there is no database at db."""
    if Path(db).exists():
        return False
    print(f"there is no database at {db}; import files first (python cli.py import)", file=sys.stderr)
    return True


def cmd_sample(args: argparse.Namespace) -> int:
    """Builds the sample foundation's database (small: through the import path; large and xl: directly)."""
    from samples import scaled, story
    from store.history import holds_only_sample
    from store.importer import import_files

    if not holds_only_sample(args.db):
        print(
            f"cli.py sample: {args.db} holds records that are not the sample (imports or edits), so it is left as "
            "it is. Build the sample into another file, e.g. --db data/sample.duckdb; to start again from the "
            "sample, delete the file yourself (cli.py export --db ... --out DIR keeps a copy of its records first).",
            file=sys.stderr,
        )
        return 2
    if args.scale == "small":
        with tempfile.TemporaryDirectory() as tmp:
            files = story.write_csvs(Path(tmp), seed=args.seed)
            labels = [f.name for f in files]  # the history says "sample"
            result = import_files(args.db, files, labels=labels, fresh=True, what="sample")
        if not result.ok:
            for problem in result.problems:
                print(problem, file=sys.stderr)
            return 1
        for line in result.summary():
            print(line)
    else:
        counts = scaled.build_scaled(Path(args.db), args.scale, seed=args.seed)
        for table, n in counts.items():
            print(f"{table}: {n:,} rows")
    print(f"sample database written to {args.db}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Imports files all-or-nothing; problems go to standard error, one per line, and so do warnings of sensitive
    changes (before the write)."""
    from store.importer import ImportResult, import_files

    formats = {str(f): args.format for f in args.files} if args.format else None

    def warn(plan: ImportResult) -> None:
        # Said before the write, on standard error (standard output keeps the summary): legitimate edits, not
        # refused, but a flipped confidential flag or a slipped decimal mark must not pass unseen.
        for line in plan.sensitive():
            print(f"warning: {line}", file=sys.stderr)

    result = import_files(args.db, args.files, formats=formats, before_write=warn)
    if not result.ok:
        # Standard error carries the problems alone, one a line, so that a script can read them.
        for problem in result.problems:
            print(problem, file=sys.stderr)
        return 2
    for line in result.summary():
        print(line)
    updates = result.updates()
    for line in updates[:UPDATES_SHOWN]:
        print(f"  {line}")
    if len(updates) > UPDATES_SHOWN:
        print(f"  ... and {len(updates) - UPDATES_SHOWN:,} more updated records (cli.py history shows them all)")
    if result.write_id is not None:
        undo = f" (cli.py restore --to {result.write_id - 1} undoes it)" if result.write_id > 1 else ""
        print(f"write {result.write_id} in the history{undo}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Writes every table as a CSV that import takes back."""
    from store import exporter
    from store.files import Unsafe

    if _missing(args.db):
        return 1
    try:
        written = exporter.export(args.db, args.out)
    except Unsafe as why:
        print(f"cli.py export: {why}", file=sys.stderr)
        return 2
    except OSError as exc:  # a folder that cannot be made or written, say: named, never a traceback
        print(f"cli.py export: cannot write into {args.out}: {exc.strerror or exc} ({exc.filename})", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """Lists every write, newest first."""
    from store import history

    if _missing(args.db):
        return 1
    found = history.writes(args.db)
    if args.json:
        print(json.dumps({"writes": [w.as_json() for w in found]}, indent=2, ensure_ascii=False))
        return 0
    if not found:
        print("no writes recorded yet: this database's history starts with its next write")
    for w in found:
        who = f" by {w.by}" if w.by else ""
        files = f" ({', '.join(w.files)})" if w.files else ""
        print(f"{w.id:>5}  {w.at.astimezone():%Y-%m-%d %H:%M}  {history.WHAT[w.what]}{who}{files}: {w.summary}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Puts the database back to just after a write; itself a write, so it can be undone."""
    from store import history

    if _missing(args.db):
        return 1
    try:
        done = history.restore(args.db, args.to)
    except ValueError as exc:
        print(f"cli.py restore: {exc}", file=sys.stderr)
        return 2
    print(f"write {done.id}: {done.summary}")
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    """Prints every metric of the catalogue for a period, as JSON or as a table."""
    from community import HIDDEN, RULES_IN_WORDS, Refused
    from lens import Direct, Lens, View
    from metrics import METRICS, Filters, Period, compute
    from metrics import format as fmt
    from settings import load
    from store import database

    if _missing(args.db):
        return 1
    period = Period(args.start, args.end)
    try:
        filters = Filters(tuple(args.sector), tuple(args.kind), tuple(args.stage))
    except ValueError as exc:
        print(f"cli.py metrics: {exc}", file=sys.stderr)
        return 2
    with database.read(args.db) as con:
        if args.community:
            try:
                lens = Lens(Direct(con), View(period, filters, community=True))
            except Refused as why:
                print(f"cli.py metrics --community: {why}", file=sys.stderr)
                return 2
            values = {m: (None if v == HIDDEN else v) for m, v in lens.current().items()}
            hidden, caveats = lens.hidden(), lens.caveats()
        else:
            values = compute(con, period.start, period.end, filters=filters)
    if args.json:
        payload = {"period": {"start": period.start.isoformat(), "end": period.end.isoformat()}, "metrics": values}
        if args.community:
            payload["community_safe"] = {"hidden": hidden, "caveats": caveats, "rules": RULES_IN_WORDS}
        if filters.active:
            payload["filters"] = {
                "sector": list(filters.sectors),
                "kind": list(filters.kinds),
                "stage": list(filters.stages),
            }
        print(json.dumps(payload, indent=2))
        return 0
    currency = load().currency
    width = max(len(m.label) for m in METRICS)
    print(f"{period.label} ({period.start} to {period.end}; prior period {period.prior.start} to {period.prior.end})")
    if filters.active:
        print(f"Filtered to {filters.describe()}")
    if args.community:
        print(f"Community-safe: {RULES_IN_WORDS}")
    group = None
    for m in METRICS:
        if m.group != group:
            group = m.group
            print(f"\n{group}")
        value = HIDDEN if args.community and m.id in hidden else values[m.id]
        print(f"  {m.label:<{width}}  {fmt.value(m, value, currency):>16}  {m.id}")
        if args.community and m.id in caveats:
            print(f"  {'':<{width}}  {caveats[m.id]}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Writes the community report bundle for a period into a folder."""
    from community import Refused
    from metrics import Period
    from reports import bundle

    if _missing(args.db):
        return 1
    try:
        written = bundle.write(args.db, Period(args.start, args.end), args.out, paper=args.paper)
    except Refused as why:
        print(f"cli.py report: {why}", file=sys.stderr)
        return 2
    for path in written.files:
        print(path)
    return 0


def cmd_deliver(args: argparse.Namespace) -> int:
    """Sends each due subscription's report (or alert) by e-mail: 0 all sent (or none due), 2 a configuration
    problem (its key named), 1 a failed send (recorded as failed, never as sent)."""
    from datetime import date

    import settings
    from delivery import deliver
    from delivery.config import ConfigProblem

    config = args.config or Path(os.environ.get("PARTNERSHIP_CONFIG") or settings.CONFIG_FILE)
    dry_run = args.dry_run
    try:
        outcomes = deliver.run(
            args.db,
            config,
            today=args.today or date.today(),
            only=args.subscription,
            dry_run=Path(dry_run) if dry_run else None,
            force=args.force,
        )
    except ConfigProblem as problem:
        print(f"cli.py deliver: {problem}", file=sys.stderr)
        return 2
    except ValueError as problem:  # foundation.toml's other settings
        print(f"cli.py deliver: {problem}", file=sys.stderr)
        return 2
    if not outcomes:
        print("no subscription is configured ([[subscriptions]] in foundation.toml)")
    for outcome in outcomes:
        print(outcome, file=sys.stderr if outcome.status == "failed" else sys.stdout)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


UPDATES_SHOWN = 20


def parser() -> argparse.ArgumentParser:
    """The command line's arguments, as documented in the README."""
    p = argparse.ArgumentParser(prog="cli.py", description="Partnership Impact: import records, read metrics.")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("sample", help="build the sample foundation's database")
    s.add_argument("--db", required=True, type=Path)
    s.add_argument("--scale", choices=("small", "large", "xl"), default="small")
    s.add_argument("--seed", type=int, default=42)
    s.set_defaults(run=cmd_sample)

    i = sub.add_parser(
        "import", help="import CSV or XLSX files, or another system's exports (CRM, PubMed...), all or nothing"
    )
    i.add_argument("--db", required=True, type=Path)
    i.add_argument(
        "--format",
        metavar="NAME",
        help="read every file as this source's export (default: recognised by content); see the README's "
        "'Bring your records' for the names",
    )
    i.add_argument("files", nargs="+")
    i.set_defaults(run=cmd_import)

    m = sub.add_parser("metrics", help="print every metric for a period")
    m.add_argument("--db", required=True, type=Path)
    m.add_argument("--start", required=True, type=_date)
    m.add_argument("--end", required=True, type=_date)
    m.add_argument("--json", action="store_true", help="print one JSON object")
    m.add_argument("--sector", action="append", default=[], help="keep records of partners in this sector (repeatable)")
    m.add_argument("--kind", action="append", default=[], help="keep records of partnerships of this kind (repeatable)")
    m.add_argument("--stage", action="append", default=[], help="keep records at this R&D stage (repeatable)")
    m.add_argument(
        "--community",
        action="store_true",
        help="the community-safe values (people rounded, <11 for 1 to 10; a funding number that would show a "
        "confidential partner null); a calendar quarter or year, no filter",
    )
    m.set_defaults(run=cmd_metrics)

    r = sub.add_parser(
        "report",
        help="write the community report bundle (HTML, PDF, charts, summary.json) for a calendar quarter or year",
    )
    r.add_argument("--db", required=True, type=Path)
    r.add_argument("--start", required=True, type=_date)
    r.add_argument("--end", required=True, type=_date)
    r.add_argument("--out", required=True, type=Path, help="the folder to write into (created if needed)")
    r.add_argument("--paper", choices=("A4", "Letter"), default="A4")
    r.set_defaults(run=cmd_report)

    e = sub.add_parser("export", help="write every table as CSV files that import takes back")
    e.add_argument("--db", required=True, type=Path)
    e.add_argument("--out", required=True, type=Path, help="the folder to write into (created if needed)")
    e.set_defaults(run=cmd_export)

    h = sub.add_parser("history", help="list every write to the database, newest first")
    h.add_argument("--db", required=True, type=Path)
    h.add_argument("--json", action="store_true", help="print one JSON object")
    h.set_defaults(run=cmd_history)

    t = sub.add_parser("restore", help="put the database back to just after a write (itself a write)")
    t.add_argument("--db", required=True, type=Path)
    t.add_argument("--to", required=True, type=int, metavar="WRITE_ID", help="a write's id, as history lists it")
    t.set_defaults(run=cmd_restore)

    d = sub.add_parser("deliver", help="e-mail each due subscription's report (run it daily: cron or a timer)")
    d.add_argument("--db", required=True, type=Path)
    d.add_argument("--config", type=Path, metavar="FOUNDATION_TOML", help="default: foundation.toml")
    d.add_argument("--subscription", metavar="NAME", help="only this subscription")
    d.add_argument("--today", type=_date, metavar="YYYY-MM-DD", help="the day to deliver as of (default: today)")
    d.add_argument(
        "--dry-run",
        nargs="?",
        const="outbox",
        metavar="DIR",
        help="write the messages as .eml files into DIR (default: outbox) instead of sending them; records nothing",
    )
    d.add_argument("--force", action="store_true", help="send again what was already sent for the period")
    d.set_defaults(run=cmd_deliver)
    return p


def main(argv: list[str] | None = None) -> int:
    """Runs one command; anything unexpected exits 1 with a one-line message, never a traceback."""
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `cli.py metrics | head` ends quietly
    args = parser().parse_args(argv)
    if getattr(args, "start", None) and args.end < args.start:
        print(f"--end {args.end} is before --start {args.start}", file=sys.stderr)
        return 2
    try:
        return args.run(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the promise: a message, never a traceback
        print(f"cli.py {args.command}: unexpected error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
