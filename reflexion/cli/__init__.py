"""The ``reflexion`` command. Each subcommand is a module here with ``register(subparsers)``;
its handler returns the exit code. Expected failures print one line and exit non-zero."""

from __future__ import annotations

import argparse
import sys
from importlib import import_module
from typing import NoReturn

from reflexion.cli.review import EXIT_PAUSED, ReviewPending
from reflexion.errors import ReflexionError
from reflexion.interrupts import exit_on_signals

COMMANDS = ("demo", "run", "resume", "history", "graph", "bench", "serve_local", "models")
EXIT_ERROR, EXIT_INTERRUPTED = 2, 130


class _Parser(argparse.ArgumentParser):
    """Usage mistakes are one line too, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="reflexion",
        description="Reflexion (Shinn et al., 2023) as a LangGraph workflow: run, resume, inspect and draw trial loops.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        import_module(f"reflexion.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from reflexion.models import load_env

    args = build_parser().parse_args(argv)
    load_env()
    if argv is None:  # the real command line, not a call from tests or a notebook
        exit_on_signals(lambda: _interrupted_message(args))
    try:
        return int(args.handler(args) or 0)
    except ReviewPending as exc:  # not an error: the run is paused, and the line says how to go on
        print(f"paused: {exc}", file=sys.stderr)
        return EXIT_PAUSED
    except ReflexionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # e.g. `reflexion graph | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(f"\n{_interrupted_message(args)}", file=sys.stderr)
        return EXIT_INTERRUPTED


def _interrupted_message(args: argparse.Namespace) -> str:
    hint = getattr(args, "resume_hint", None)
    return f"interrupted{'; resume with: ' + hint if hint else ''}"


if __name__ == "__main__":
    sys.exit(main())
