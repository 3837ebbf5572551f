"""Child-process script that generates and compiles one game (see ``games.py`` for why a child).
It imports TextWorld only, never this package.

    python -P build.py OUTPUT.z8 < recipe.json

does what ``tw-make <challenge> --seed <seed> <settings...> --output OUTPUT.z8`` does.
"""

from __future__ import annotations

import json
import sys

import textworld
import textworld.challenges
from textworld.generator import compile_game


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -P build.py OUTPUT.z8 < recipe.json", file=sys.stderr)
        return 2
    recipe = json.load(sys.stdin)
    options = textworld.GameOptions()
    options.seeds = recipe["seed"]
    options.path = argv[0]
    options.force_recompile = True
    _, make_game, _ = textworld.challenges.CHALLENGES[recipe["challenge"]]
    game = make_game(settings=recipe["settings"], options=options)
    compile_game(game, options)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
