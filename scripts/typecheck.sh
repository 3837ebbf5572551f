#!/usr/bin/env bash
# Type-check the installed package layout: graphs/, nodes/, domains/ and prompts/ are reflexion.graphs
# etc. (setup.py), which mypy cannot map by itself, so it checks a throwaway tree of links that has
# the package's real shape. Usage: scripts/typecheck.sh [mypy options]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
case "$python" in /*) ;; */*) python="$PWD/$python" ;; esac  # relative to the caller, before the cd below
tree="$(mktemp -d)"
trap 'rm -rf "$tree"' EXIT
mkdir "$tree/reflexion"
for entry in "$root"/reflexion/*; do
  [ "$(basename "$entry")" = "__pycache__" ] || ln -s "$entry" "$tree/reflexion/$(basename "$entry")"
done
for folder in graphs nodes domains prompts; do ln -s "$root/$folder" "$tree/reflexion/$folder"; done
cd "$tree"
"$python" -m mypy -p reflexion --ignore-missing-imports --cache-dir "$root/.mypy_cache" "$@"
