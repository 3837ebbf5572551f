"""Named errors. Each message says what went wrong and what to do; the CLI prints it as one line."""


class ReflexionError(Exception):
    """Base class: an expected failure that deserves one clear line, not a traceback."""


class SettingsError(ReflexionError):
    """Invalid run settings (trials, window, strategy) or model configuration."""


class TaskError(ReflexionError):
    """A task could not be loaded: unknown id, malformed file, missing field."""


class ModelError(ReflexionError):
    """A model call failed for good (auth, retries exhausted, endpoint unreachable)."""

    def __init__(self, role: str, endpoint: str, reason: str) -> None:
        self.role, self.endpoint, self.reason = role, endpoint, reason
        super().__init__(f"{role} model at {endpoint} failed: {reason}")


class RunLockedError(ReflexionError):
    """Another process is running the same thread or bench."""
