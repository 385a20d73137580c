"""The ``healing-map`` command: a thin layer over the library.

Each command parses its arguments, calls one library function and formats the
result. Library errors become one ``Error: …`` line on stderr and the exit
code their class names (see :mod:`sync.errors`).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import datetime
from pathlib import Path

from sync import __version__
from sync.config import load_config
from sync.errors import HealingMapError, UsageError

log = logging.getLogger("sync")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would exit 2 itself; keep our one-line format
        raise UsageError(f"{self.prog}: {message}")


def _parse_now(text: str | None, zone) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--now: {text!r} is not an ISO date and time, e.g. 2026-11-25T09:00:00-06:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def cmd_sync(args) -> int:
    """Read the responses, validate and locate them, and write the map and CSVs.

    At a terminal (or with --verbose) it prints a one-screen summary; under cron
    it prints one line per run, or one JSON object with --log-format json.

    Example:

        healing-map sync
        healing-map sync --config config/healing-map.toml --dry-run
        healing-map sync --now 2026-12-01T09:00:00-06:00 --wait 60
    """
    from sync.pipeline import run_sync

    config = load_config(args.config)
    try:
        result = run_sync(config, now=_parse_now(args.now, config.campaign.tz), dry_run=args.dry_run,
                          force=args.force, wait=args.wait, progress=sys.stdout.isatty(), backfill=args.backfill)
    except HealingMapError as exc:
        if args.log_format == "json":
            print(json.dumps({"event": "sync", "ok": False, "exit_code": exc.exit_code, "error": str(exc)}))
        raise
    if args.log_format == "json":
        print(json.dumps({"event": "sync", "ok": True, "exit_code": 0, "counts": result.counts,
                          "seconds": result.report["timings"]["total"], "dry_run": args.dry_run,
                          "warnings": result.report["warnings"]}))
    elif args.verbose or sys.stdout.isatty():
        print(format_summary(result, config=config))
    else:
        print(summary_line(result, config=config))
    return 0


def summary_line(result, *, config) -> str:
    """One line per run, for cron mail and logs."""
    c = result.counts
    where = f" → {_shown(config.public_dir / 'index.html')}" if result.outputs else " (dry run, nothing written)"
    warnings = len(result.report["warnings"])  # each also went to stderr as it happened
    told = f" with {warnings} warning{'s' if warnings != 1 else ''}" if warnings else ""
    return (f"healing-map sync ok: {c['read']} read, {c['published']} published, {c['held']} held, "
            f"{c['rejected']} rejected in {result.report['timings']['total']:.1f} s{told}{where}")


def format_summary(result, *, config) -> str:
    """The one-screen summary printed after a sync at a terminal."""
    report, counts = result.report, result.counts
    lines = [
        f"{config.campaign.title}: read {counts['read']} responses from {report['source']}",
        f"  published {counts['published']:>6}",
        f"  held      {counts['held']:>6}",
        f"  rejected  {counts['rejected']:>6}",
    ]
    blank = counts.get("blank_rows", 0)
    if blank:
        lines.append(f"  {blank} blank row{'s' if blank != 1 else ''} skipped (not responses)")
    top = list(report["reasons"]["rejected"].items())[:5]
    if top:
        lines.append("Top rejection reasons:")
        lines += [f"  {item['count']:>5}  {code}: e.g. {item['example'][:80]}" for code, item in top]
    held = list(report["reasons"]["held"].items())[:3]
    if held:
        lines.append("Held:")
        lines += [f"  {item['count']:>5}  {code}: e.g. {item['example'][:80]}" for code, item in held]
    lines += [f"Warning: {warning}" for warning in report["warnings"]]
    if result.outputs:
        # The top-level files; the calendar feeds, .gz/.br copies and outbox are counted, not listed (one screen).
        main = [p for p in result.outputs if p.parent in (config.public_dir, config.staff_dir)
                and p.suffix not in (".gz", ".br")]
        lines.append("Outputs:")
        lines += [f"  {_shown(path)}" for path in main]
        if len(result.outputs) > len(main):
            lines.append(f"  … and {len(result.outputs) - len(main):,} more: calendar feeds, precompressed "
                         ".gz/.br copies, the outbox")
    else:
        lines.append("Dry run: nothing written.")
    lines.append(f"Done in {report['timings']['total']:.2f} s.")
    return "\n".join(lines)


def cmd_history(args) -> int:
    """Show the last runs: when, outcome, counts and time taken.

    Example:

        healing-map history --limit 5
    """
    from sync.state import StateStore

    config = load_config(args.config)
    with StateStore(config.output.state_folder) as state:
        runs = state.runs(args.limit)
    if args.log_format == "json":
        print(json.dumps(runs))
        return 0
    if not runs:
        print("No runs yet.")
        return 0
    print(f"{'finished':<25} {'outcome':<14} {'exit':>4} {'read':>7} {'publ.':>7} {'held':>6} {'rej.':>6} {'secs':>6}")
    for run in runs:
        cells = [run[k] if run[k] is not None else "-" for k in ("read", "published", "held", "rejected")]
        seconds = f"{run['seconds']:.1f}" if run["seconds"] is not None else "-"
        print(f"{run['finished_at']:<25} {run['outcome']:<14} {run['exit_code']:>4} {cells[0]:>7} {cells[1]:>7} "
              f"{cells[2]:>6} {cells[3]:>6} {seconds:>6}")
        if run["message"]:
            print(f"{'':<25} {run['message']}")
    return 0


def cmd_serve(args) -> int:
    """Preview the public map and the staff page on 127.0.0.1 (state is never served).

    Example:

        healing-map serve --port 8000
    """
    from sync.serve import serve

    config = load_config(args.config)
    serve(config.output.folder, host="127.0.0.1", port=args.port,
          announce=lambda url: print(f"Serving {url}public/index.html and {url}staff/index.html — Ctrl-C stops",
                                     flush=True))
    return 0


def cmd_doctor(args) -> int:
    """Check the config, the credentials, access to the sheet, its headers and the locator's data.

    Prints one ✓/✗ line per check; exits 0 only when all pass (else 3).

    Example:

        healing-map doctor --config config/healing-map.toml
    """
    from sync.doctor import run_checks

    config = load_config(args.config)
    checks = run_checks(config)
    for check in checks:
        print(f"{'✓' if check.ok else '✗'} {check.name}: {check.detail}")
    return 0 if all(c.ok for c in checks) else 3


def cmd_notify(args) -> int:
    """List the messages to hosts in the outbox; --send sends the queued ones.

    With [notify] mode = "review" (the default) a sync only queues messages: each is
    an .eml file in staff/outbox/ and a row on the staff page, for staff to read first.
    --send sends them (at most [notify] max_per_run, or --limit, at [notify] per_minute)
    under the sync's lock. A mail server outage leaves them queued; a 5xx for one
    address marks that message failed, with the server's words.

    Example:

        healing-map notify
        healing-map notify --send
        healing-map notify --send --limit 20
    """
    from sync.notify import outbox_listing, send_outbox

    config = load_config(args.config)
    if not config.notify.enabled:
        raise UsageError(f"{config.path}: notifications are off; set [notify] enabled = true first")
    if args.send:
        delivery = send_outbox(config, limit=args.limit, wait=args.wait)
        if args.log_format == "json":
            print(json.dumps({"event": "notify", **vars(delivery)}))
        else:
            print(f"Messages to hosts: {delivery.summary()}.")
        return 0
    counts, messages = outbox_listing(config, limit=args.limit or 50)
    if args.log_format == "json":
        print(json.dumps({"counts": counts, "messages": messages}))
        return 0
    print("Outbox: " + ", ".join(f"{n} {state}" for state, n in counts.items()))
    for m in messages:
        detail = f" — {m['detail']}" if m["detail"] else ""
        print(f"  row {m['row_number']:>5}  {m['state']:<10} {m['status']:<9} {m['language']}  "
              f"{m['recipient'] or '-'}  {m['title'][:40]!r}{detail}")
    return 0


def cmd_rollback(args) -> int:
    """Serve the previous release again: the map and staff files of the run before the current one.

    Switches public/ and staff/ back together in one step; no release is deleted.
    --to ID serves any kept release (a folder name in the output folder's releases/).
    Exits 2 when there is no earlier release or no such ID, 6 when the switch cannot
    be written. The next sync publishes from the sheet again: pause the schedule
    first if the sheet itself is the problem.

    Example:

        healing-map rollback
        healing-map rollback --to 20261203T091500.482913Z-3fa9c1
    """
    from sync.publish.release import rollback

    config = load_config(args.config)
    before, after = rollback(config, to=args.to)
    print(f"Rolled back: now serving release {after} (was {before or 'none'}) → "
          f"{_shown(config.public_dir / 'index.html')}")
    return 0


COMMANDS = {"sync": cmd_sync, "doctor": cmd_doctor, "history": cmd_history, "serve": cmd_serve,
            "rollback": cmd_rollback, "notify": cmd_notify}


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="healing-map", description="Turn Google Form responses into the public healing map.")
    parser.add_argument("--version", action="version", version=f"healing-map {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subs = {}
    for name, handler in COMMANDS.items():
        assert handler.__doc__, name  # a command's docstring is its --help (tests/test_cli_docs.py)
        sub = commands.add_parser(name, help=handler.__doc__.splitlines()[0], description=handler.__doc__,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.add_argument("--config", metavar="PATH",
                         help="config file (default: $HEALING_MAP_CONFIG, else config/healing-map.toml)")
        sub.add_argument("--verbose", action="store_true", help="full summary and debug logging")
        sub.add_argument("--log-format", choices=("text", "json"), default="text", help="text (default) or json")
        sub.set_defaults(handler=handler)
        subs[name] = sub
    subs["sync"].add_argument("--dry-run", action="store_true", help="do everything but write outputs or state")
    subs["sync"].add_argument("--now", metavar="ISO-TIME",
                              help="the sync's time (default: now), e.g. 2026-12-01T09:00:00-06:00")
    subs["sync"].add_argument("--force", action="store_true", help="publish even when the safety guard trips")
    subs["sync"].add_argument("--wait", type=float, default=0, metavar="SECONDS",
                              help="wait this long for a running sync to finish (default: exit 5 at once)")
    subs["sync"].add_argument("--backfill", action="store_true",
                              help="also mail hosts of responses recorded before notifications were on")
    subs["history"].add_argument("--limit", type=int, default=20, help="how many runs (default 20)")
    subs["notify"].add_argument("--send", action="store_true", help="send the queued messages now")
    subs["notify"].add_argument("--limit", type=int, metavar="N", help="send or list at most N messages")
    subs["notify"].add_argument("--wait", type=float, default=0, metavar="SECONDS",
                                help="wait this long for a running sync to finish (default: exit 5 at once)")
    subs["serve"].add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000)")
    subs["rollback"].add_argument("--to", metavar="ID",
                                  help="the release to serve (default: the one before the current one)")
    return parser


class _JsonLogFormatter(logging.Formatter):
    def format(self, record):
        return json.dumps({"level": record.levelname.lower(), "message": record.getMessage()})


def _configure_logging(args) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if getattr(args, "log_format", "text") == "json":
        handler.setFormatter(_JsonLogFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    log.handlers[:] = [handler]
    log.setLevel(logging.DEBUG if getattr(args, "verbose", False) else logging.WARNING)
    log.propagate = False


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            parser.print_help()
            return 2
        _configure_logging(args)
        return args.handler(args)
    except HealingMapError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Error: interrupted; outputs left as they were", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
