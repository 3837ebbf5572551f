"""Resource limits for one sandboxed execution."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Literal, get_args

from reflexion.errors import SettingsError

OnOutputLimit = Literal["kill", "truncate"]
"""What happens when stdout or stderr passes ``Limits.output_bytes``: ``kill`` stops the execution
and fails it ("killed: output limit"); ``truncate`` keeps the first ``output_bytes``, throws the rest
away and lets the code run on, so printing alone never fails it (as in HumanEval's harness, which
discards all output)."""
ON_OUTPUT_LIMIT: tuple[OnOutputLimit, ...] = get_args(OnOutputLimit)


@dataclass(frozen=True, kw_only=True)
class Limits:
    """What one execution may use. In ``Sandbox.run_tests`` every test gets these afresh."""

    timeout_s: float = 5.0  # wall clock; the whole process tree is killed when it runs out
    cpu_s: float = 5.0  # CPU seconds per process (RLIMIT_CPU)
    memory_mb: int = 512  # address space per process (RLIMIT_AS)
    max_processes: int = 16  # processes and threads alive at once (RLIMIT_NPROC)
    file_size_mb: int = 16  # largest file it may write (RLIMIT_FSIZE)
    open_files: int = 64  # file descriptors (RLIMIT_NOFILE)
    output_bytes: int = 1 << 20  # stdout and stderr kept, each (what is kept is capped either way)
    on_output_limit: OnOutputLimit = "kill"  # past output_bytes: fail the execution, or truncate and go on
    scratch_mb: int = 64  # size of the private /scratch and /tmp (bubblewrap only)

    def __post_init__(self) -> None:
        if self.on_output_limit not in ON_OUTPUT_LIMIT:
            raise SettingsError(
                f"sandbox limit on_output_limit must be one of {', '.join(ON_OUTPUT_LIMIT)}, got {self.on_output_limit!r}"
            )
        for field in fields(self):
            if field.name == "on_output_limit":
                continue
            value = getattr(self, field.name)
            if not isinstance(value, int | float) or isinstance(value, bool) or not value > 0:
                raise SettingsError(f"sandbox limit {field.name} must be a positive number, got {value!r}")

    def for_harness(self) -> dict[str, int]:
        """The limits as the in-sandbox harness applies them (integers, bytes)."""
        return {
            "cpu_s": max(1, math.ceil(self.cpu_s)),
            "memory_bytes": int(self.memory_mb * (1 << 20)),
            "processes": int(self.max_processes),
            "file_size_bytes": int(self.file_size_mb * (1 << 20)),
            "open_files": max(8, int(self.open_files)),
        }
