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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_lambda_events",
        description="Realistic, seeded AWS Lambda events for every event source.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="list the source ids, their service and invocation type")
    generate = commands.add_parser("generate", help="print one event of SOURCE as JSON")
    generate.add_argument("source", metavar="SOURCE", help="a source id (see 'list')")
    generate.add_argument("--count", type=int, help="records in the event, where AWS batches")
    generate.add_argument("--seed", type=int, help="seed (default: a new one, printed on stderr)")
    generate.add_argument("--region", default=DEFAULT_REGION, help="AWS region of the event")
    generate.add_argument("--account-id", default=DEFAULT_ACCOUNT_ID, help="12-digit account id")
    generate.add_argument(
        "--set", action="append", default=[], metavar="FIELD=VALUE", dest="overrides",
        help="an override; VALUE is read as JSON when it parses, else as text (repeatable)",
    )  # fmt: skip
    generate.add_argument("--indent", type=int, default=2, help="JSON indent (0: one line)")
    generate.add_argument("--options", action="store_true", help="list SOURCE's overrides")
    docs = commands.add_parser("docs", help="write one Markdown reference page per source")
    docs.add_argument("directory", metavar="DIR", help="where to write index.md and <id>.md")
    return parser


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
    for source in default_registry():
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
    args = _parser().parse_args(argv)
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
