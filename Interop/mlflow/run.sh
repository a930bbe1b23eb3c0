#!/usr/bin/env bash
# MLflow-client interop suite: drives a server with the real `mlflow` Python client.
#
#   bash Interop/mlflow/run.sh                    # against Vane ($REPO/.build/debug/vane or $VANE_BIN)
#   bash Interop/mlflow/run.sh --vane PATH        # against the Vane binary at PATH
#   bash Interop/mlflow/run.sh --against-mlflow   # against a real `mlflow server` (the reference)
#   bash Interop/mlflow/run.sh --auth token       # Vane with --auth; the client sends MLFLOW_TRACKING_TOKEN
#   bash Interop/mlflow/run.sh --auth basic       # ... MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD
#   bash Interop/mlflow/run.sh -- -k registry -x  # anything after `--` goes to pytest
#
# Exits with pytest's status. Loopback only; every wait is bounded.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
VENV="$REPO/.venv-interop"
REQS="$HERE/requirements.txt"

AGAINST_MLFLOW=0
AUTH=""
VANE="${VANE_BIN:-$REPO/.build/debug/vane}"
PYTEST_ARGS=()

usage() {
    sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
    case "$1" in
        --against-mlflow) AGAINST_MLFLOW=1; shift ;;
        --vane)
            [ $# -ge 2 ] || { echo "run.sh: --vane needs a PATH" >&2; exit 2; }
            VANE="$2"; shift 2 ;;
        --vane=*) VANE="${1#--vane=}"; shift ;;
        --auth)
            [ $# -ge 2 ] && { [ "$2" = token ] || [ "$2" = basic ]; } || { echo "run.sh: --auth needs token or basic" >&2; exit 2; }
            AUTH="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        --) shift; PYTEST_ARGS=("$@"); break ;;
        *) echo "run.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

log() { echo "[interop/mlflow] $*" >&2; }

if [ -n "$AUTH" ] && [ "$AGAINST_MLFLOW" -eq 1 ]; then
    echo "run.sh: --auth is for Vane (mlflow server's basic-auth app is another program)" >&2; exit 2
fi

# --- Python venv (idempotent: a stamp holds the hash of requirements.txt) ----------------------
ensure_venv() {
    local want stamp="$VENV/.interop-requirements.sha256"
    want="$(sha256sum "$REQS" | cut -d' ' -f1)"
    if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    log "installing Python dependencies into $VENV (first run takes a minute or two)"
    local started=$SECONDS
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQS"
    echo "$want" > "$stamp"
    log "venv ready in $((SECONDS - started)) s"
}
ensure_venv
PY="$VENV/bin/python"

# --- Server --------------------------------------------------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/vane-interop-mlflow.XXXXXX")"
SERVER_LOG="$TMP/server.log"
SERVER_PID=""
PYTEST_PID=""

stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        # Give it up to 10 s to exit, then force it.
        for _ in $(seq 1 100); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            # mlflow server runs uvicorn/gunicorn workers in its process group; we started it with
            # setsid, so its group id is its pid and this ends only what we started.
            kill -9 -- "-$SERVER_PID" 2>/dev/null || kill -9 "$SERVER_PID" 2>/dev/null || true
        fi
        # Workers of our own process group that outlived the parent.
        kill -- "-$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
cleanup() {
    local status=$?
    set +e
    trap - EXIT INT TERM
    if [ -n "$PYTEST_PID" ] && kill -0 "$PYTEST_PID" 2>/dev/null; then
        kill "$PYTEST_PID" 2>/dev/null
        wait "$PYTEST_PID" 2>/dev/null
    fi
    stop_server
    if [ "$status" -ne 0 ] && [ -f "$SERVER_LOG" ]; then
        log "server log (last 60 lines of $SERVER_LOG):"
        tail -n 60 "$SERVER_LOG" >&2
    fi
    rm -rf "$TMP" 2>/dev/null
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
URL="http://127.0.0.1:$PORT"

if [ "$AGAINST_MLFLOW" -eq 1 ]; then
    TARGET="mlflow $("$PY" -c 'import mlflow; print(mlflow.__version__)')"
    HEALTH_TIMEOUT=60
    mkdir -p "$TMP/artifacts"
    # MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false: no GenAI job runner / huey consumers (7 extra
    # processes that take both cores for the first half minute); the REST surface is unchanged.
    # setsid: the server and its workers form their own process group, stopped as one by its pid.
    MLFLOW_SERVER_ENABLE_JOB_EXECUTION=false setsid "$VENV/bin/mlflow" server \
        --backend-store-uri "sqlite:///$TMP/mlflow.db" \
        --artifacts-destination "$TMP/artifacts" \
        --host 127.0.0.1 --port "$PORT" --workers 1 \
        > "$SERVER_LOG" 2>&1 < /dev/null &
    SERVER_PID=$!
else
    if [ ! -x "$VANE" ]; then
        log "Vane binary not found or not executable: $VANE (build it, pass --vane PATH or set VANE_BIN)"
        exit 2
    fi
    TARGET="vane ($VANE)"
    HEALTH_TIMEOUT=30
    mkdir -p "$TMP/data"
    AUTH_FLAGS=()
    if [ -n "$AUTH" ]; then
        # The suite's own credential is a writer: everything the mlflow client does needs no more.
        # A reader and an admin token are for test_auth.py's refusals and token management.
        AUTH_FLAGS=(--auth)
        export INTEROP_AUTH="$AUTH"
        export INTEROP_READER_TOKEN="$("$VANE" token create --name reader --role reader --data-dir "$TMP/data" 2>/dev/null)"
        export INTEROP_ADMIN_TOKEN="$("$VANE" token create --name admin --role admin --data-dir "$TMP/data" 2>/dev/null)"
        if [ "$AUTH" = token ]; then
            export MLFLOW_TRACKING_TOKEN="$("$VANE" token create --name interop --role writer --data-dir "$TMP/data" 2>/dev/null)"
        else
            export MLFLOW_TRACKING_USERNAME=interop MLFLOW_TRACKING_PASSWORD="interop-password-$$"
            printf '%s\n' "$MLFLOW_TRACKING_PASSWORD" | "$VANE" user create interop --role writer --password-stdin --data-dir "$TMP/data" 2>/dev/null
        fi
        log "authentication on: the client signs in with a writer's $AUTH"
    fi
    setsid "$VANE" server --host 127.0.0.1 --port "$PORT" --data-dir "$TMP/data" ${AUTH_FLAGS[@]+"${AUTH_FLAGS[@]}"} \
        > "$SERVER_LOG" 2>&1 < /dev/null &
    SERVER_PID=$!
fi
log "started $TARGET on $URL (pid $SERVER_PID, log $SERVER_LOG)"

# Wait for GET /health, bounded in attempts and in time.
deadline=$((SECONDS + HEALTH_TIMEOUT))
healthy=0
for _ in $(seq 1 $((HEALTH_TIMEOUT * 4))); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        log "server exited before answering /health"
        exit 1
    fi
    if "$PY" - "$URL/health" <<'EOF' 2>/dev/null
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
    sys.exit(0 if r.status == 200 else 1)
EOF
    then
        healthy=1
        break
    fi
    [ "$SECONDS" -lt "$deadline" ] || break
    sleep 0.25
done
if [ "$healthy" -ne 1 ]; then
    log "server did not answer GET /health within ${HEALTH_TIMEOUT} s"
    exit 1
fi
log "server healthy after $((SECONDS - deadline + HEALTH_TIMEOUT)) s"

# --- Tests ---------------------------------------------------------------------------------------
export MLFLOW_TRACKING_URI="$URL"
export MLFLOW_REGISTRY_URI="$URL"
export MLFLOW_HTTP_REQUEST_MAX_RETRIES=0      # a 5xx fails at once instead of backing off for minutes
export MLFLOW_HTTP_REQUEST_TIMEOUT=30
export INTEROP_SERVER_KIND="$([ "$AGAINST_MLFLOW" -eq 1 ] && echo mlflow || echo vane)"
export INTEROP_WORK_DIR="$TMP/client"
export VANE_BIN="$VANE"                        # test_inference.py starts `vane serve` with it
export INTEROP_MODEL_FIXTURES="$REPO/Tests/Fixtures/models"
export PYTHONDONTWRITEBYTECODE=1
export GIT_PYTHON_REFRESH=quiet               # mlflow probes git for run tags; no repo noise
mkdir -p "$INTEROP_WORK_DIR"

# pytest runs in the background and is waited for, so INT/TERM reach the trap at once.
( cd "$HERE" && exec "$PY" -m pytest -q -p no:cacheprovider tests ${PYTEST_ARGS[@]+"${PYTEST_ARGS[@]}"} ) &
PYTEST_PID=$!
status=0
wait "$PYTEST_PID" || status=$?
PYTEST_PID=""
exit "$status"
