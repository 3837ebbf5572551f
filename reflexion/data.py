"""Where benchmark data files come from: a setting, else the shared data folder beside the work.

The data sets (MBPP, HotPotQA) are not part of the package. A loader takes an explicit path first,
then its environment variable, then looks for ``shared/data/<file>`` in the working directory and
each folder above it (so ``../shared/data`` from a checkout, as CI and the benches have it). It never
looks next to the installed code: an installed wheel has no repository around it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from reflexion.errors import TaskError

SHARED_DATA = Path("shared") / "data"


def shared_data_file(name: str, env_var: str, *, what: str, env: Mapping[str, str] | None = None) -> Path:
    """The data file ``name``: ``$env_var`` if set (it must exist), else the nearest ``shared/data/<name>``
    at or above the working directory; a :class:`TaskError` that says what to set when neither is there."""
    env = os.environ if env is None else env
    if env.get(env_var, "").strip():
        path = Path(env[env_var]).expanduser()
        if not path.is_file():
            raise TaskError(f"{env_var} points to {path}, which is not a file")
        return path
    here = Path.cwd()
    for folder in (here, *here.parents):
        candidate = folder / SHARED_DATA / name
        if candidate.is_file():
            return candidate.resolve()
    raise TaskError(f"{what} data not found (no {SHARED_DATA / name} at or above {here}): set {env_var} to the path of {name}")
