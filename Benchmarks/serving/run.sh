#!/usr/bin/env bash
# Serving benchmark: `vane serve` vs MLServer (XGBoost runtime) on one model, OIP v2 REST over
# loopback, driven by wrk; then in-process batch scoring, Vane's runtimes vs the libraries' own.
# Usage: Benchmarks/serving/run.sh [--vane PATH] [--duration S] [--warmup S] [--repeat N] [--rounds N]
#                                  [--mlserver-workers N,N] [--skip-http] [--skip-batch] [--out DIR]
# VANE_BIN=PATH is the same as --vane PATH (no release build then). See README.md beside it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
FIXTURES="$REPO/Tests/Fixtures/models"
MODEL="$FIXTURES/xgb_binary_logistic.json"
VENV="$HERE/.venv"
PYTHON="${PYTHON:-python3}"
# What the venv gets; the report records the versions that were actually installed.
REQUIREMENTS=('mlserver==1.7.*' 'mlserver-xgboost==1.7.*' 'xgboost==3.2.*' 'lightgbm==4.7.*' 'numpy' 'uvloop<0.22')
VANE_BIN="${VANE_BIN:-}"
DURATION=15
WARMUP=3
REPEAT=50
ROUNDS=5
BATCH_ROWS=10000
MLSERVER_WORKERS="1,0"   # MLServer configurations: parallel_workers 1 (its default) and 0 (in-process)
SKIP_HTTP=0
SKIP_BATCH=0
OUT=""
CMDLINE="Benchmarks/serving/run.sh"
for a in "$@"; do CMDLINE+=" $(printf '%q' "$a")"; done
if [[ -n "$VANE_BIN" ]]; then CMDLINE="VANE_BIN=$(printf '%q' "$VANE_BIN") $CMDLINE"; fi

while [[ $# -gt 0 ]]; do
  case "$1" in
    --vane) VANE_BIN="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --mlserver-workers) MLSERVER_WORKERS="$2"; shift 2 ;;
    --skip-http) SKIP_HTTP=1; shift ;;
    --skip-batch) SKIP_BATCH=1; shift ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
for n in "$DURATION" "$WARMUP" "$REPEAT" "$ROUNDS"; do
  [[ "$n" =~ ^[0-9]+$ && "$n" -gt 0 ]] || { echo "run.sh: durations and counts are positive integers" >&2; exit 2; }
done
[[ "$MLSERVER_WORKERS" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "run.sh: --mlserver-workers N[,N...]" >&2; exit 2; }
SERVERS=()
IFS=',' read -r -a _workers <<<"$MLSERVER_WORKERS"
for w in "${_workers[@]}"; do SERVERS+=("mlserver-pw$w"); done
SERVERS+=(vane)

log() { echo "run.sh: $*" >&2; }

# --- wrk from Debian ---
if ! command -v wrk >/dev/null 2>&1; then
  log "installing wrk (apt)"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y wrk >/dev/null; }
fi

# --- venv with MLServer, its XGBoost runtime and the libraries (reused when already installed) ---
STAMP="$VENV/.requirements"
if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
if [[ "$(cat "$STAMP" 2>/dev/null || true)" != "${REQUIREMENTS[*]}" ]] \
   || ! "$VENV/bin/python" -c 'import mlserver, mlserver_xgboost, xgboost, lightgbm, numpy, uvloop' >/dev/null 2>&1; then
  log "installing ${REQUIREMENTS[*]} into $VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet "${REQUIREMENTS[@]}"
  echo "${REQUIREMENTS[*]}" > "$STAMP"
fi
PY="$VENV/bin/python"

# --- builds: vane (release, static Swift runtime) and the in-process batch timer ---
if [[ $SKIP_HTTP -eq 0 ]]; then
  if [[ -z "$VANE_BIN" ]]; then
    log "building vane (release)"
    (cd "$REPO" && swift build -c release --scratch-path .build-release --static-swift-stdlib --product vane >&2)
    VANE_BIN="$REPO/.build-release/release/vane"
  fi
  [[ -x "$VANE_BIN" ]] || { log "vane binary not found at $VANE_BIN"; exit 2; }
  VANE_BIN="$(cd "$(dirname "$VANE_BIN")" && pwd)/$(basename "$VANE_BIN")"
fi
BATCH_BIN="$HERE/batch/.build/release/vane-batch-bench"
if [[ $SKIP_BATCH -eq 0 ]]; then
  log "building batch/ (release)"
  swift build -c release --package-path "$HERE/batch" >&2
fi

# --- output and work dirs, free loopback ports ---
STAMP_TIME="$(date -u +%Y-%m-%dT%H%MZ)"
OUT="${OUT:-$HERE/results/$STAMP_TIME}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/vane-serving.XXXXXX")"
read -r VANE_PORT ML_HTTP ML_GRPC ML_METRICS < <("$PY" - <<'EOF'
import socket
s = [socket.socket() for _ in range(4)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])
for x in s: x.close()
EOF
)

PIDS=()   # process-group leaders started here (setsid: pid = pgid)
stop_group() {
  local pid="$1"
  kill -TERM -- "-$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 -- "-$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  for pid in ${PIDS[@]+"${PIDS[@]}"}; do stop_group "$pid"; done
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- metadata for the report ---
VANE_COMMIT="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$REPO" status --porcelain -- Sources Package.swift 2>/dev/null || true)" ]]; then
  # Name the working tree the binary was built from: a digest of every file under Sources/ and Package.swift.
  VANE_COMMIT+=" + uncommitted changes in Sources/ (tree digest $(cd "$REPO" && find Sources Package.swift -type f -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12))"
fi
"$PY" - "$OUT/meta.json" <<EOF
import json, os, platform, subprocess, sys, importlib.metadata as md
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = int(open("/proc/meminfo").read().split()[1]) / 2**20
osname = next((l.split("=", 1)[1].strip().strip('"') for l in open("/etc/os-release") if l.startswith("PRETTY_NAME=")), "?")
wrk = subprocess.run(["dpkg-query", "-W", "-f", "\${Version}", "wrk"], capture_output=True, text=True).stdout or "?"
v = lambda p: md.version(p)
json.dump({
  "date": "$STAMP_TIME",
  "command": """$CMDLINE""",
  "machine": f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, {osname}, Linux {platform.release()}; wrk, servers and batch timers share the cores; load average at the start: {open('/proc/loadavg').read().split()[0]}",
  "vane": "commit $VANE_COMMIT, binary ${VANE_BIN:-not used}",
  "mlserver": f"mlserver {v('mlserver')}, mlserver-xgboost {v('mlserver-xgboost')}, uvicorn {v('uvicorn')}, fastapi {v('fastapi')}, uvloop {v('uvloop')}",
  "wrk": f"wrk {wrk} (Debian), infer.lua",
  "libraries": f"xgboost {v('xgboost')}, lightgbm {v('lightgbm')}, numpy {v('numpy')}, Python {platform.python_version()}",
  "environment": "OMP_NUM_THREADS=" + os.environ.get("OMP_NUM_THREADS", "unset") + " for the servers",
  "mlserver_config": "mlserver-pwN = parallel_workers N (1 is MLServer's default: inference in a worker process; 0: in the server process); debug false (no per-request access log); model xgb via mlserver_xgboost.XGBoostModel (XGBRegressor.load_model of the Booster JSON)",
  "durations": "servers run one at a time; wrk ${WARMUP} s warm-up + ${DURATION} s measured per server and scenario; batch: ${ROUNDS} alternating rounds per side, each 3 untimed + ${REPEAT} timed calls of ${BATCH_ROWS} rows",
}, open(sys.argv[1], "w"), indent=1)
EOF

# Starts one server in its own process group (setsid: pid = pgid), waits until its model is
# ready; sets SERVER_PID and SERVER_URL.
start_server() {
  local server="$1"
  local port
  case "$server" in
    mlserver-pw*)
      local workers="${server#mlserver-pw}" root="$WORK/$server"
      port="$ML_HTTP"
      mkdir -p "$root/xgb"
      cp "$MODEL" "$root/xgb/model.json"
      "$PY" - "$root" "$workers" "$ML_HTTP" "$ML_GRPC" "$ML_METRICS" <<'EOF'
import json, sys
root, workers, http, grpc, metrics = sys.argv[1], int(sys.argv[2]), *map(int, sys.argv[3:])
json.dump({"host": "127.0.0.1", "http_port": http, "grpc_port": grpc, "metrics_port": metrics,
           "parallel_workers": workers, "debug": False,
           "metrics_dir": root + "/.metrics", "environments_dir": root + "/.envs"},
          open(root + "/settings.json", "w"), indent=1)
json.dump({"name": "xgb", "implementation": "mlserver_xgboost.XGBoostModel",
           "parameters": {"uri": "./model.json", "version": "v1"}},
          open(root + "/xgb/model-settings.json", "w"), indent=1)
EOF
      log "starting MLServer (parallel_workers $workers) on 127.0.0.1:$port (log $OUT/$server.log)"
      (cd "$root" && exec setsid "$VENV/bin/mlserver" start . >"$OUT/$server.log" 2>&1) &
      ;;
    vane)
      port="$VANE_PORT"
      log "starting vane serve on 127.0.0.1:$port (log $OUT/vane.log)"
      (cd "$WORK" && exec setsid "$VANE_BIN" serve --model "$MODEL" --name xgb --host 127.0.0.1 --port "$port" \
          --data-dir "$WORK/vane-data" >"$OUT/vane.log" 2>&1) &
      ;;
  esac
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  SERVER_URL="http://127.0.0.1:$port"
  "$PY" "$HERE/serving.py" wait --url "$SERVER_URL/v2/models/xgb/ready" --timeout 180 \
    || { tail -20 "$OUT/$server.log" >&2; exit 1; }
}

run_http() {
  "$PY" "$HERE/serving.py" bodies --inputs "$FIXTURES/xgb_binary_logistic.inputs.json" --out "$WORK/bodies" --rows 1000 >&2

  # scenario | body | wrk threads | connections | label
  local scenarios=(
    "rows1-c1|rows1|1|1|1 row, 1 connection"
    "rows1-c16|rows1|2|16|1 row, 16 connections"
    "rows1000-c1|rows1000|1|1|1,000 rows, 1 connection"
    "rows1000-c16|rows1000|2|16|1,000 rows, 16 connections"
  )
  local server line scenario body threads conns label before after
  # One server at a time, so that none shares the cores with an idle neighbour.
  for server in "${SERVERS[@]}"; do
    start_server "$server"
    # It must do the work: the library's predictions (so all servers agree with each other).
    for body in rows1 rows1000; do
      "$PY" "$HERE/serving.py" check --body "$WORK/bodies/$body.json" \
        --expected "$FIXTURES/xgb_binary_logistic.expected.json" --save "$OUT/predict-$server-$body.json" \
        "$SERVER_URL/v2/models/xgb/infer" "$server" | tee -a "$OUT/check.txt" >&2
      [[ ${PIPESTATUS[0]} -eq 0 ]] || { log "$server does not return the library's predictions"; exit 1; }
    done
    for line in "${scenarios[@]}"; do
      IFS='|' read -r scenario body threads conns label <<<"$line"
      wrk -t"$threads" -c"$conns" -d"${WARMUP}s" --timeout 10s -s "$HERE/infer.lua" \
        "$SERVER_URL/v2/models/xgb/infer" -- "$WORK/bodies/$body.json" >/dev/null
      sys_before="$("$PY" "$HERE/serving.py" systicks)"
      before="$("$PY" "$HERE/serving.py" cputicks "$SERVER_PID")"
      /usr/bin/time -f "WRKCPU %U %S" -o "$WORK/wrk.time" \
        wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 10s --latency -s "$HERE/infer.lua" \
        "$SERVER_URL/v2/models/xgb/infer" -- "$WORK/bodies/$body.json" >"$OUT/wrk-$scenario-$server.txt"
      after="$("$PY" "$HERE/serving.py" cputicks "$SERVER_PID")"
      sys_after="$("$PY" "$HERE/serving.py" systicks)"
      "$PY" "$HERE/serving.py" record --wrk-output "$OUT/wrk-$scenario-$server.txt" --scenario "$scenario" \
        --label "$label" --server "$server" --cpu-ticks "$((after - before))" \
        --sys-before "$sys_before" --sys-after "$sys_after" --wrk-time "$WORK/wrk.time" \
        --out "$OUT/wrk-$scenario-$server.json" >&2
    done
    echo "$server RSS after its runs: $(ps -o rss= -g "$SERVER_PID" | awk '{s+=$1} END {printf "%.1f MiB over %d processes", s/1024, NR}')" \
      | tee -a "$OUT/rss.txt" >&2
    stop_group "$SERVER_PID"
    PIDS=()
  done
  "$PY" "$HERE/serving.py" agree "$OUT"/predict-*-rows1.json "$OUT"/predict-*-rows1000.json | tee -a "$OUT/check.txt" >&2
}

run_batch() {
  local models=(xgb_binary_logistic.json lgb_binary.txt xgb_multi_softprob.json lgb_multiclass.txt)
  local m base sys_before sys_after
  sys_before="$("$PY" "$HERE/serving.py" systicks)"
  # Rounds alternate native and Vane, so that a slow spell of the machine (it is a VM; the same
  # binary's median moves by up to 1.5x from one minute to the next) hits both; the report takes
  # each side's best round and lists the others.
  for round in $(seq 1 "$ROUNDS"); do
    for m in "${models[@]}"; do
      base="${m%.*}"
      log "batch round $round: $m, $BATCH_ROWS rows, $REPEAT calls"
      OMP_NUM_THREADS=1 "$PY" "$HERE/batch_native.py" --model "$FIXTURES/$m" --inputs "$FIXTURES/$base.inputs.json" \
        --rows "$BATCH_ROWS" --repeat "$REPEAT" >"$OUT/batch-$base-native-r$round.json"
      "$BATCH_BIN" --model "$FIXTURES/$m" --inputs "$FIXTURES/$base.inputs.json" \
        --rows "$BATCH_ROWS" --repeat "$REPEAT" >"$OUT/batch-$base-vane-r$round.json"
    done
  done
  sys_after="$("$PY" "$HERE/serving.py" systicks)"
  # One timer runs at a time on one thread: on N cores, the machine's busy share above 100/N % is
  # someone else's.
  read -r b0 t0 <<<"$sys_before"; read -r b1 t1 <<<"$sys_after"
  echo "Machine CPU busy during the batch timing: $(( 100 * (b1 - b0) / (t1 - t0) )) % of $(nproc) cores (one timer thread = $(( 100 / $(nproc) )) %); load average after: $(cut -d' ' -f1-3 /proc/loadavg)." \
    >"$OUT/batch-machine.txt"
}

[[ $SKIP_HTTP -eq 1 ]] || run_http
[[ $SKIP_BATCH -eq 1 ]] || run_batch

"$PY" "$HERE/serving.py" report --dir "$OUT" | tee "$OUT/report.md"
for f in check.txt rss.txt; do [[ -f "$OUT/$f" ]] && { echo; echo '```'; cat "$OUT/$f"; echo '```'; } >>"$OUT/report.md"; done
log "report: $OUT/report.md"
