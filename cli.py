"""The command line: build the sample database, import files, print metrics."""

from __future__ import annotations

import argparse
import json
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


def cmd_sample(args: argparse.Namespace) -> int:
    """Builds the sample foundation's database (small: through the import path; large and xl: directly)."""
    from samples import scaled, story
    from store.importer import import_files

    if args.scale == "small":
        with tempfile.TemporaryDirectory() as tmp:
            files = story.write_csvs(Path(tmp), seed=args.seed)
            result = import_files(args.db, files, fresh=True)
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
    """Imports files all-or-nothing; problems go to standard error, one per line."""
    from store.importer import import_files

    result = import_files(args.db, args.files)
    if not result.ok:
        # Standard error carries the problems alone, one a line, so that a script can read them.
        for problem in result.problems:
            print(problem, file=sys.stderr)
        return 2
    for line in result.summary():
        print(line)
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    """Prints every metric of the catalogue for a period, as JSON or as a table."""
    from community import HIDDEN, RULES_IN_WORDS, Refused
    from lens import Direct, Lens, View
    from metrics import METRICS, Filters, Period, compute
    from metrics import format as fmt
    from settings import load
    from store import database

    if not Path(args.db).exists():
        print(f"there is no database at {args.db}; import files first (python cli.py import)", file=sys.stderr)
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
            hidden = lens.hidden()
        else:
            values = compute(con, period.start, period.end, filters=filters)
    if args.json:
        payload = {"period": {"start": period.start.isoformat(), "end": period.end.isoformat()}, "metrics": values}
        if args.community:
            payload["community_safe"] = {"hidden": hidden, "rules": RULES_IN_WORDS}
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
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Writes the community report bundle for a period into a folder."""
    from community import Refused
    from metrics import Period
    from reports import bundle

    if not Path(args.db).exists():
        print(f"there is no database at {args.db}; import files first (python cli.py import)", file=sys.stderr)
        return 1
    try:
        written = bundle.write(args.db, Period(args.start, args.end), args.out, paper=args.paper)
    except Refused as why:
        print(f"cli.py report: {why}", file=sys.stderr)
        return 2
    for path in written.files:
        print(path)
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line's arguments, as documented in the README."""
    p = argparse.ArgumentParser(prog="cli.py", description="Partnership Impact: import records, read metrics.")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("sample", help="build the sample foundation's database")
    s.add_argument("--db", required=True, type=Path)
    s.add_argument("--scale", choices=("small", "large", "xl"), default="small")
    s.add_argument("--seed", type=int, default=42)
    s.set_defaults(run=cmd_sample)

    i = sub.add_parser("import", help="import CSV or XLSX files (all or nothing)")
    i.add_argument("--db", required=True, type=Path)
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
