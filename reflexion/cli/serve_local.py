"""``reflexion serve-local``: keep the embedded model running for notebooks and repeated runs."""

from __future__ import annotations

import argparse
import os

from reflexion.errors import SettingsError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve-local",
        help="serve the embedded local model until Ctrl-C, and print the settings that use it",
        description=__doc__,
    )
    p.add_argument("--gguf", metavar="MODEL", help="a known local model's name or a .gguf file (default: $REFLEXION_GGUF, else qwen2.5-coder-0.5b)")
    p.add_argument("--port", type=_port, metavar="N", help="loopback port to listen on (default: a free one)")
    p.add_argument("--verbose", action="store_true", help="also log llama.cpp's model details and per-call timings (tokens/s)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from reflexion.local import LocalServer, find_gguf

    path = find_gguf(args.gguf or os.environ.get("REFLEXION_GGUF"), announce=lambda line: print(line, flush=True))
    print(f"Starting {path.name} ...", flush=True)
    with LocalServer(path, port=args.port, verbose=args.verbose) as server:
        print(
            f"Serving {server.model} at {server.base_url} (log: {server.log_path}); Ctrl-C stops it.\n"
            "Use it from another shell, a notebook or .env with:\n"
            f"REFLEXION_BASE_URL={server.base_url}\n"
            "REFLEXION_API_KEY=local\n"
            f"REFLEXION_MODEL={server.model}",
            flush=True,
        )
        try:
            code = server.wait()
        except KeyboardInterrupt:
            print("\nstopped", flush=True)
            return 0
    raise SettingsError(f"the local model server stopped on its own (exit code {code}); see {server.log_path}")


def _port(text: str) -> int:
    port = int(text) if text.isdigit() else -1
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"not a TCP port: {text!r}")
    return port
