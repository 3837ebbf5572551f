"""The sandbox's named error."""

from reflexion.errors import ReflexionError


class SandboxError(ReflexionError):
    """The sandbox cannot run code as configured (e.g. bubblewrap required but unusable)."""
