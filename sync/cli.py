"""The ``healing-map`` command: a thin layer over :mod:`sync.pipeline`.

Each command parses its arguments, calls one library function and formats the
result. Library errors become one ``Error: …`` line on stderr and the exit
code their class names (see :mod:`sync.errors`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import datetime
from pathlib import Path

from sync import __version__
from sync.config import load_config
from sync.errors import HealingMapError, UsageError

#: Exit codes, documented in the README.
EXIT_OK, EXIT_CONFIG, EXIT_SOURCE, EXIT_GUARD, EXIT_LOCKED, EXIT_PUBLISH = 0, 2, 3, 4, 5, 6


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse exits 2 by itself; keep our one-line format
        raise UsageError(f"{self.prog}: {message}")


def _parse_now(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--now: {text!r} is not an ISO date and time, e.g. 2026-11-25T09:00:00-06:00") from None


def cmd_sync(args) -> int:
    """Read the responses, validate and locate them, and write the map and CSVs.

    Example:

        healing-map sync
        healing-map sync --config config/healing-map.toml --dry-run
        healing-map sync --now 2026-12-01T09:00:00-06:00
    """
    from sync.pipeline import run_sync

    config = load_config(args.config)
    now = _parse_now(args.now)
    if now is not None and now.tzinfo is None:
        now = now.replace(tzinfo=config.campaign.tz)
    result = run_sync(config, now=now, dry_run=args.dry_run, progress=sys.stdout.isatty())
    print(format_summary(result, config=config))
    return EXIT_OK


def format_summary(result, *, config) -> str:
    """The one-screen summary printed after a sync."""
    report, counts = result.report, result.counts
    lines = [
        f"{config.campaign.title}: read {counts['read']} responses from {report['source']}",
        f"  published {counts['published']:>6}",
        f"  held      {counts['held']:>6}",
        f"  rejected  {counts['rejected']:>6}",
    ]
    top = list(report["reasons"]["rejected"].items())[:5]
    if top:
        lines.append("Top rejection reasons:")
        lines += [f"  {item['count']:>5}  {code}: e.g. {item['example'][:80]}" for code, item in top]
    held = list(report["reasons"]["held"].items())[:3]
    if held:
        lines.append("Held:")
        lines += [f"  {item['count']:>5}  {code}" for code, item in held]
    for warning in report["warnings"]:
        lines.append(f"Warning: {warning}")
    if result.outputs:
        lines.append("Outputs:")
        cwd = Path.cwd()
        for path in result.outputs:
            try:
                shown = path.relative_to(cwd)
            except ValueError:
                shown = path
            lines.append(f"  {shown}")
    else:
        lines.append("Dry run: nothing written.")
    lines.append(f"Done in {report['timings']['total']:.2f} s.")
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="healing-map", description="Turn Google Form responses into the public healing map.")
    parser.add_argument("--version", action="version", version=f"healing-map {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sync = commands.add_parser("sync", help="run the sync once", description=cmd_sync.__doc__,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    sync.add_argument("--config", metavar="PATH", help="config file (default: $HEALING_MAP_CONFIG or config/healing-map.toml)")
    sync.add_argument("--dry-run", action="store_true", help="do everything but write the outputs")
    sync.add_argument("--now", metavar="ISO-TIME", help="the sync's time (default: now), e.g. 2026-12-01T09:00:00-06:00")
    sync.set_defaults(handler=cmd_sync)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="Warning: %(message)s", stream=sys.stderr)
    try:
        args = build_parser().parse_args(argv)
        if not getattr(args, "handler", None):
            build_parser().print_help()
            return EXIT_CONFIG
        return args.handler(args)
    except HealingMapError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Error: interrupted; outputs left as they were", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
