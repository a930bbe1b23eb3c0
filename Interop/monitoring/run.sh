#!/usr/bin/env bash
# Monitoring CLI suite: drives `vane drift`, `vane quality`, `vane evaluate`, `vane anomaly` and
# `vane forecast` from the outside
# (exit statuses, JSON layout, bad input) and renders their HTML reports in headless Chromium.
#
#   bash Interop/monitoring/run.sh                 # against $REPO/.build/debug/vane or $VANE_BIN
#   bash Interop/monitoring/run.sh --vane PATH
#   bash Interop/monitoring/run.sh -- -k html      # anything after `--` goes to pytest
#
# Needs Chromium (Debian's `chromium` package; .ci/run installs it). Exits with pytest's status.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$REPO/.venv-monitoring"
VANE="${VANE_BIN:-$REPO/.build/debug/vane}"
ARGS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --vane) VANE="$2"; shift 2 ;;
    --) shift; ARGS=("$@"); break ;;
    *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if [ ! -x "$VENV/bin/pytest" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'pytest>=7'
fi
cd "$HERE"
VANE_BIN="$VANE" "$VENV/bin/pytest" -q -p no:cacheprovider "${ARGS[@]}" .
