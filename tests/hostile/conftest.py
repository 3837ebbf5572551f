"""The files here are attacks, not tests: pytest must never import them (see README.md)."""

collect_ignore_glob = ["*.py"]
