"""``python -m pytest_lambda_events``: list the event sources, or print one event as JSON.

Like ``sam local generate-event``, but seeded, for every source, and without pytest or Faker
on the import path, so it starts in a few tens of milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections.abc import Sequence
from typing import Any

from .building import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, build, default_registry
from .errors import EventConfigError, LambdaEventsError
from .registry import EventSource

_PROG = "python -m pytest_lambda_events"
_COMMANDS = {
    "list": "list the source ids, their service and invocation type",
    "generate": "print one event of SOURCE as JSON",
    "docs": "write one Markdown reference page per source",
}


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The command line, parsed. When it starts with a command, only that command's parser is
    built: setting up argparse's parsers (and gettext's look-ups for their messages) is the
    largest part of the tool's own start-up, and the same arguments give the same result."""
    if argv and argv[0] in _COMMANDS:
        command = argparse.ArgumentParser(prog=f"{_PROG} {argv[0]}")
        _add_arguments(argv[0], command)
        return command.parse_args(argv[1:], argparse.Namespace(command=argv[0]))
    return _parser().parse_args(argv)


def _parser() -> argparse.ArgumentParser:
    """Every command, for ``--help`` and for a missing or mistyped command."""
    parser = argparse.ArgumentParser(
        prog=_PROG, description="Realistic, seeded AWS Lambda events for every event source."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in _COMMANDS.items():
        _add_arguments(name, commands.add_parser(name, help=text))
    return parser


def _add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    if command == "docs":
        parser.add_argument("directory", metavar="DIR", help="where to write index.md and <id>.md")
    if command != "generate":
        return
    parser.add_argument("source", metavar="SOURCE", help="a source id (see 'list')")
    parser.add_argument("--count", type=int, help="records in the event, where AWS batches")
    parser.add_argument("--seed", type=int, help="seed (default: a new one, printed on stderr)")
    parser.add_argument("--region", default=DEFAULT_REGION, help="AWS region of the event")
    parser.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID, help="12-digit account id")
    parser.add_argument(
        "--set", action="append", default=[], metavar="FIELD=VALUE", dest="overrides",
        help="an override; VALUE is read as JSON when it parses, else as text (repeatable)",
    )  # fmt: skip
    parser.add_argument("--indent", type=int, default=2, help="JSON indent (0: one line)")
    parser.add_argument("--options", action="store_true", help="list SOURCE's overrides")


def parse_override(source: EventSource, text: str) -> tuple[str, Any]:
    """``field=value`` with the value as JSON if it parses, else text; text wins for str fields."""
    name, sep, raw = text.partition("=")
    name = name.strip().replace("-", "_")
    if not sep or not name:
        raise EventConfigError(f"--set {text!r}: write FIELD=VALUE, e.g. --set body=hello")
    try:
        value = json.loads(raw)
    except ValueError:
        return name, raw
    option = source.all_options.get(name)
    if option is None or isinstance(value, str):
        return name, value
    wanted = option.type if isinstance(option.type, tuple) else (option.type,)
    return name, raw if str in wanted else value


def _list() -> None:
    for source in default_registry().summaries():  # summaries: imports no source module
        print(f"{source.id:<24} {source.invocation:<6} {source.service}")


def _options(source: EventSource) -> None:
    for option in source.all_options.values():
        types = option.type if isinstance(option.type, tuple) else (option.type,)
        kind = "|".join(t.__name__ for t in types)
        print(f"{option.name:<22} {kind:<10} {option.help}")


def _generate(args: argparse.Namespace) -> None:
    source = default_registry().get(args.source)
    if args.options:
        _options(source)
        return
    overrides = dict(parse_override(source, text) for text in args.overrides)
    if args.count is not None:
        overrides["count"] = args.count
    seed = args.seed
    if seed is None:
        seed = random.randrange(2**32)
        print(f"seed: {seed}", file=sys.stderr)
    event = build(source, seed, overrides, region=args.region, account_id=args.account_id)
    sys.stdout.write(json.dumps(event, indent=args.indent or None) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.command == "list":
            _list()
        elif args.command == "docs":
            from pathlib import Path

            from .reference_pages import write_pages

            print(f"wrote {len(write_pages(Path(args.directory)))} pages to {args.directory}")
        else:
            _generate(args)
        sys.stdout.flush()
    except LambdaEventsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into `head`: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
