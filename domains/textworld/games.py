"""Generated games, cached on disk: a recipe is built once, then every run plays the same file.

The cache lives in ``$REFLEXION_TEXTWORLD_CACHE``, else ``$XDG_CACHE_HOME/reflexion/textworld``
(``~/.cache/reflexion/textworld``). Each game gets its own folder named by :meth:`GameRecipe.key`,
which covers the recipe and the TextWorld version, so a new TextWorld builds fresh games.

Games are built in a child process with a fixed ``PYTHONHASHSEED``: TextWorld's generator is
seeded, but some of its output (e.g. the order of the cooking game's losing conditions) follows set
iteration order, which varies with the hash seed. With it fixed, a recipe gives the same game source
byte for byte in every run. The child writes to a temporary folder that is renamed into place, so
concurrent builds of one game never leave a half-written file behind.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Final

from reflexion.domains.textworld.recipes import GameRecipe
from reflexion.errors import TaskError

ENV_CACHE: Final = "REFLEXION_TEXTWORLD_CACHE"
GAME_FILE: Final = "game.z8"
BUILD_TIMEOUT_S: Final = 300
HASH_SEED: Final = "0"
BUILD_SCRIPT: Final = Path(__file__).with_name("build.py")


def cache_dir() -> Path:
    chosen = os.environ.get(ENV_CACHE, "").strip()
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(base) / "reflexion" / "textworld"


def game_file(recipe: GameRecipe) -> Path:
    """The compiled game for ``recipe``, built now when it is not in the cache yet."""
    folder = cache_dir() / recipe.key()
    if not (folder / GAME_FILE).is_file():
        build(recipe, folder)
    return folder / GAME_FILE


def build(recipe: GameRecipe, folder: Path) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".build-", dir=folder.parent))
    try:
        # By path, not with -m: importing the package would import the whole loop (a second per build).
        # -P keeps this folder off sys.path, so its modules cannot shadow any TextWorld imports.
        command = [sys.executable, "-P", str(BUILD_SCRIPT), str(scratch / GAME_FILE)]
        env = {**os.environ, "PYTHONHASHSEED": HASH_SEED}
        try:
            done = subprocess.run(
                command, input=json.dumps(recipe.as_data()), env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S
            )
        except subprocess.TimeoutExpired:
            raise TaskError(f"building TextWorld game {recipe.describe()} took over {BUILD_TIMEOUT_S}s") from None
        if done.returncode != 0 or not (scratch / GAME_FILE).is_file():
            last = next((line for line in reversed(done.stderr.splitlines()) if line.strip()), f"exit code {done.returncode}")
            raise TaskError(f"could not build TextWorld game {recipe.describe()}: {last.strip()}")
        try:
            scratch.rename(folder)
        except OSError:
            if not (folder / GAME_FILE).is_file():  # not a concurrent build that finished first
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

