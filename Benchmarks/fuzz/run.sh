#!/usr/bin/env bash
# Fuzz and abuse suite: a real `vane server` and `vane serve` on loopback, seeded mutation fuzzing of
# every route, memory amplification probes, the issue-12 crash findings replayed, a final health check.
# Usage: Benchmarks/fuzz/run.sh [--vane PATH] [--quick] [--seed N] [--requests N] [--duration S]
#                               [--max-rss-mb MB] [--max-ratio X] [fuzz_server.py options...]
# VANE_BIN=PATH is the same as --vane PATH. Python standard library only (no venv). See README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PYTHON="${PYTHON:-python3}"
ENV_VANE_BIN="${VANE_BIN:-}"
VANE_BIN="${VANE_BIN:-$REPO/.build/release/vane}"
ARGS=()
CMDLINE="Benchmarks/fuzz/run.sh"
for a in "$@"; do CMDLINE+=" $(printf '%q' "$a")"; done
if [[ -n "$ENV_VANE_BIN" ]]; then CMDLINE="VANE_BIN=$(printf '%q' "$ENV_VANE_BIN") $CMDLINE"; fi

while [[ $# -gt 0 ]]; do
  case "$1" in
    --vane) VANE_BIN="$2"; shift 2 ;;
    --vane=*) VANE_BIN="${1#*=}"; shift ;;
    -h|--help)
      sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
      echo
      "$PYTHON" "$HERE/fuzz_server.py" --help | sed -n '/^options:/,$p'
      exit 0 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done

if [[ ! -x "$VANE_BIN" ]]; then
  echo "run.sh: vane binary not found at $VANE_BIN" >&2
  echo "        build it (swift build -c release), or pass --vane PATH or VANE_BIN=PATH" >&2
  exit 2
fi
VANE_BIN="$(cd "$(dirname "$VANE_BIN")" && pwd)/$(basename "$VANE_BIN")"

cd "$REPO"
# exec: Ctrl-C and TERM reach the Python driver directly; it stops every process it started.
exec "$PYTHON" -u "$HERE/fuzz_server.py" --vane "$VANE_BIN" --command "$CMDLINE" ${ARGS[@]+"${ARGS[@]}"}
