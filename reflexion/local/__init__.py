"""The embedded local model: a small GGUF model served by llama.cpp's OpenAI-compatible server.

Runs go through exactly the same path as with a hosted model (``ChatOpenAI`` over HTTP); only the
base URL points at a child process on a loopback port. Needs the optional ``[local]`` extra.
"""

from reflexion.local.catalog import DEFAULT_MODEL, KNOWN_MODELS, KnownModel
from reflexion.local.gguf import find_gguf
from reflexion.local.server import LocalServer, free_port

__all__ = ["DEFAULT_MODEL", "KNOWN_MODELS", "KnownModel", "LocalServer", "find_gguf", "free_port"]
