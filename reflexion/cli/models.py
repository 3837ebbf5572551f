"""``reflexion models``: the local models known by name, whether their parts are installed, and
whether the assembled file is in the cache already."""

from __future__ import annotations

import argparse

from reflexion.errors import SettingsError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("models", help="list the local models known by name (for --gguf / REFLEXION_GGUF)", description=__doc__)
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from reflexion.local.assemble import cache_dir, locate_part
    from reflexion.local.catalog import DEFAULT_MODEL, KNOWN_MODELS

    print("Local models, for --gguf NAME or REFLEXION_GGUF=NAME (any .gguf file works too):")
    for model in KNOWN_MODELS.values():
        try:
            for part in model.parts:
                locate_part(part, model)
            assembled = len(model.parts) == 1 or (cache_dir() / model.filename).is_file()
            state = "ready" if assembled else "installed, assembled on first use"
        except SettingsError:
            state = f"not installed: {model.install_hint}"
        default = " (default)" if model.name == DEFAULT_MODEL else ""
        print(f"  {model.name}{default}: {model.title}, {model.size / 1e6:,.0f} MB; {model.note}; {state}")
    print(f"Assembled models are kept in {cache_dir()} (set REFLEXION_MODEL_CACHE to move them).")
    return 0
