#!/usr/bin/env bash
# Tracking benchmark: Vane vs `mlflow server` (sqlite) on this machine, same REST calls.
# Usage: Benchmarks/tracking/run.sh [--runs N] [--mlflow-runs N] [--only vane|mlflow]
#                                   [--out FILE] [--vane PATH] [--keep-data] [bench.py options...]
# See README.md beside this script.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$REPO/.venv-bench"
PYTHON="${PYTHON:-python3}"
ENV_VANE_BIN="${VANE_BIN:-}"
VANE_BIN="${VANE_BIN:-$REPO/.build/release/vane}"
MLFLOW_REQ='mlflow>=3,<4'
KEEP_DATA=0
ONLY=""
ARGS=()
CMDLINE="Benchmarks/tracking/run.sh"
for a in "$@"; do CMDLINE+=" $(printf '%q' "$a")"; done
if [[ -n "$ENV_VANE_BIN" ]]; then CMDLINE="VANE_BIN=$(printf '%q' "$ENV_VANE_BIN") $CMDLINE"; fi

usage() {
  sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
  echo
  echo "bench.py options (passed through):"
  "$VENV/bin/python" "$HERE/bench.py" --help 2>/dev/null | sed -n '/^options:/,$p' || true
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --vane) VANE_BIN="$2"; shift 2 ;;
    --vane=*) VANE_BIN="${1#*=}"; shift ;;
    --keep-data) KEEP_DATA=1; shift ;;
    --only) ONLY="$2"; ARGS+=("$1" "$2"); shift 2 ;;
    --only=*) ONLY="${1#*=}"; ARGS+=("$1"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) ARGS+=("$1"); shift ;;
  esac
done

if [[ "$ONLY" != "mlflow" && ! -x "$VANE_BIN" ]]; then
  echo "run.sh: vane binary not found at $VANE_BIN" >&2
  echo "        build it (swift build -c release), pass --vane PATH or VANE_BIN=PATH, or use --only mlflow" >&2
  exit 2
fi
if [[ -e "$VANE_BIN" ]]; then VANE_BIN="$(cd "$(dirname "$VANE_BIN")" && pwd)/$(basename "$VANE_BIN")"; fi

# --- venv with MLflow (reused when already installed) ---
STAMP="$VENV/.bench-requirements"
if [[ ! -x "$VENV/bin/python" ]]; then
  echo "run.sh: creating $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi
if [[ "$(cat "$STAMP" 2>/dev/null || true)" != "$MLFLOW_REQ requests" ]] \
   || ! "$VENV/bin/python" -c 'import mlflow, requests' >/dev/null 2>&1; then
  echo "run.sh: installing $MLFLOW_REQ requests into $VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet "$MLFLOW_REQ" requests
  echo "$MLFLOW_REQ requests" > "$STAMP"
fi

# MLflow 3 sends usage telemetry by default: switch it off (this benchmark talks to loopback only).
export MLFLOW_DISABLE_TELEMETRY=true DO_NOT_TRACK=true

# --- temporary data dirs, free loopback ports ---
WORK="$(mktemp -d "${TMPDIR:-/tmp}/vane-bench.XXXXXX")"
read -r VANE_PORT MLFLOW_PORT < <("$VENV/bin/python" - <<'EOF'
import socket
a, b = socket.socket(), socket.socket()
a.bind(("127.0.0.1", 0)); b.bind(("127.0.0.1", 0))
print(a.getsockname()[1], b.getsockname()[1])
a.close(); b.close()
EOF
)

cleanup() {
  local rc=$?
  # bench.py starts each server in its own process group and writes its pid to WORK/NAME.pid;
  # it stops them itself, this is the backstop for an interrupted run.
  for f in "$WORK"/vane.pid "$WORK"/mlflow.pid; do
    [[ -f "$f" ]] || continue
    pid="$(cat "$f")"
    [[ "$pid" =~ ^[0-9]+$ ]] || continue
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  if [[ $KEEP_DATA -eq 1 ]]; then
    echo "run.sh: data kept in $WORK" >&2
  else
    rm -rf "$WORK"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "run.sh: vane=$VANE_BIN port $VANE_PORT; mlflow port $MLFLOW_PORT; work dir $WORK" >&2
"$VENV/bin/python" -u "$HERE/bench.py" \
  --vane-bin "$VANE_BIN" --mlflow-bin "$VENV/bin/mlflow" \
  --vane-port "$VANE_PORT" --mlflow-port "$MLFLOW_PORT" --workdir "$WORK" \
  --command "$CMDLINE" \
  ${ARGS[@]+"${ARGS[@]}"}
