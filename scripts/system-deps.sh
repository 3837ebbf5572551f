#!/usr/bin/env bash
# System packages the project uses, from Debian/Ubuntu: bubblewrap isolates model-written code,
# graphviz + libgraphviz-dev let pygraphviz draw the graph as a PNG offline, postgresql gives the
# tests a throwaway PostgreSQL server (only the server programs are used; no service is enabled).
# Installs only what is missing; without root it uses sudo, and without either it says what to run.
set -euo pipefail
need=()
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
command -v dot >/dev/null 2>&1 || need+=(graphviz)
[ -f /usr/include/graphviz/cgraph.h ] || need+=(libgraphviz-dev)
command -v pg_ctl >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || need+=(postgresql)
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "note: install ${need[*]} with your package manager (the sandbox falls back to rlimits without bubblewrap)" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "note: run as root: apt-get install ${need[*]} (the sandbox falls back to rlimits without bubblewrap)" >&2
    exit 0
  fi
fi
echo "installing system packages: ${need[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
