"""Resource limits for one sandboxed execution."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from reflexion.errors import SettingsError


@dataclass(frozen=True, kw_only=True)
class Limits:
    """What one execution may use. In ``Sandbox.run_tests`` every test gets these afresh."""

    timeout_s: float = 5.0  # wall clock; the whole process tree is killed when it runs out
    cpu_s: float = 5.0  # CPU seconds per process (RLIMIT_CPU)
    memory_mb: int = 512  # address space per process (RLIMIT_AS)
    max_processes: int = 16  # processes and threads alive at once (RLIMIT_NPROC)
    file_size_mb: int = 16  # largest file it may write (RLIMIT_FSIZE)
    open_files: int = 64  # file descriptors (RLIMIT_NOFILE)
    output_bytes: int = 1 << 20  # stdout and stderr kept, each; writing more kills the execution
    scratch_mb: int = 64  # size of the private /scratch and /tmp (bubblewrap only)

    def __post_init__(self) -> None:
        for field in fields(self):
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
