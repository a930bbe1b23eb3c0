#!/usr/bin/env bash
# Anomaly detection and forecasting benchmark: Vane's streaming detectors and Holt-Winters
# forecaster (in process and `vane anomaly score`) against statsmodels STL / Holt-Winters / ETS and
# scikit-learn IsolationForest on the same series, plus the `vane anomaly evaluate` scoreboard.
# Usage: Benchmarks/anomaly/run.sh [--vane PATH] [--out DIR] [--points N] [--fleet-series N]
#                                  [--stl-points N] [--accuracy-series N] [--rounds N] [--seeds S,S,S]
#                                  [--max-wait S] [--no-wait]
# VANE_BIN=PATH is the same as --vane PATH (no release build then). See README.md beside it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$HERE/.venv"
PYTHON="${PYTHON:-python3}"
# What the venv gets; the report records the versions that were actually installed.
REQUIREMENTS=('statsmodels==0.14.*' 'scikit-learn==1.*' 'numpy==2.*' 'pandas==2.*')
VANE_BIN="${VANE_BIN:-}"
OUT=""
POINTS=1000000          # the one long series (detectors, STL, IsolationForest, vane anomaly score)
FLEET_SERIES=100000     # series of 1,000 points for the many-series run
STL_POINTS=50000        # STL with statsmodels' defaults is timed on this prefix (O(n) but slow)
ROUNDS=3                # rounds per detector (best counts)
ACCURACY_SERIES=40      # anomaly-free generator series for forecast accuracy
SEEDS="20251202,1,2"    # corpus seeds of vane anomaly evaluate (20251202 is its default)
WAIT=1                  # wait while another benchmark of this repo runs…
MAX_WAIT=600            # …at most this many seconds, then measure anyway (noted in machine.txt)
CMDLINE="Benchmarks/anomaly/run.sh"
for a in "$@"; do CMDLINE+=" $(printf '%q' "$a")"; done
if [[ -n "$VANE_BIN" ]]; then CMDLINE="VANE_BIN=$(printf '%q' "$VANE_BIN") $CMDLINE"; fi

while [[ $# -gt 0 ]]; do
  case "$1" in
    --vane) VANE_BIN="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --points) POINTS="$2"; shift 2 ;;
    --fleet-series) FLEET_SERIES="$2"; shift 2 ;;
    --stl-points) STL_POINTS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --accuracy-series) ACCURACY_SERIES="$2"; shift 2 ;;
    --seeds) SEEDS="$2"; shift 2 ;;
    --max-wait) MAX_WAIT="$2"; shift 2 ;;
    --no-wait) WAIT=0; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
for n in "$POINTS" "$FLEET_SERIES" "$STL_POINTS" "$ROUNDS" "$ACCURACY_SERIES" "$MAX_WAIT"; do
  [[ "$n" =~ ^[0-9]+$ && "$n" -gt 0 ]] || { echo "run.sh: counts are positive integers" >&2; exit 2; }
done
[[ "$SEEDS" =~ ^[0-9]+(,[0-9]+)*$ ]] || { echo "run.sh: --seeds S[,S...]" >&2; exit 2; }

log() { echo "run.sh: $*" >&2; }

# --- venv with statsmodels, scikit-learn, numpy, pandas (reused when already installed) ---
STAMP="$VENV/.requirements"
if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
if [[ "$(cat "$STAMP" 2>/dev/null || true)" != "${REQUIREMENTS[*]}" ]] \
   || ! "$VENV/bin/python" -c 'import statsmodels, sklearn, numpy, pandas' >/dev/null 2>&1; then
  log "installing ${REQUIREMENTS[*]} into $VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet "${REQUIREMENTS[@]}"
  echo "${REQUIREMENTS[*]}" > "$STAMP"
fi
PY="$VENV/bin/python"
# One thread on the Python side too (the Swift timers use one).
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

# --- builds: vane (release, static Swift runtime) and the in-process timer series/ ---
if [[ -z "$VANE_BIN" ]]; then
  log "building vane (release)"
  (cd "$REPO" && swift build -c release --scratch-path .build-release --static-swift-stdlib --product vane >&2)
  VANE_BIN="$REPO/.build-release/release/vane"
fi
[[ -x "$VANE_BIN" ]] || { log "vane binary not found at $VANE_BIN"; exit 2; }
VANE_BIN="$(cd "$(dirname "$VANE_BIN")" && pwd)/$(basename "$VANE_BIN")"
log "building series/ (release)"
[[ -f "$HERE/series/Package.resolved" ]] || cp "$REPO/Package.resolved" "$HERE/series/" 2>/dev/null || true
swift build -c release --package-path "$HERE/series" >&2
BENCH="$HERE/series/.build/release/vane-anomaly-bench"

# --- output and work dirs ---
STAMP_TIME="$(date -u +%Y-%m-%dT%H%MZ)"
OUT="${OUT:-$HERE/results/$STAMP_TIME}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/vane-anomaly.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- another benchmark of this repository running? wait for it (bounded) ---
others() { pgrep -f 'Benchmarks/(drift|serving|tracking)/|drift\.py' 2>/dev/null | grep -v "^$$\$" || true; }
if [[ $WAIT -eq 1 ]]; then
  for _ in $(seq 1 $(( (MAX_WAIT + 9) / 10 ))); do
    [[ -z "$(others)" ]] && break
    log "another benchmark is running (pids $(others | tr '\n' ' ')); waiting"
    sleep 10
  done
  [[ -z "$(others)" ]] || log "still running after $MAX_WAIT s; measuring anyway (noted in the report)"
fi
machine() { echo "$1: load average $(cut -d' ' -f1-3 /proc/loadavg); other benchmark processes: $(others | wc -l)" >>"$OUT/machine.txt"; }
: >"$OUT/machine.txt"
machine "start"

# --- metadata for the report ---
VANE_COMMIT="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(git -C "$REPO" status --porcelain -- Sources Package.swift 2>/dev/null || true)" ]]; then
  VANE_COMMIT+=" + uncommitted changes in Sources/ (tree digest $(cd "$REPO" && find Sources Package.swift -type f -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12))"
fi
"$PY" - "$OUT/meta.json" <<EOF
import json, os, platform, sys, importlib.metadata as md
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = int(open("/proc/meminfo").read().split()[1]) / 2**20
osname = next((l.split("=", 1)[1].strip().strip('"') for l in open("/etc/os-release") if l.startswith("PRETTY_NAME=")), "?")
v = md.version
json.dump({
  "date": "$STAMP_TIME",
  "command": """$CMDLINE""",
  "machine": f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB, {osname}, Linux {platform.release()}; load average at the start: {' '.join(open('/proc/loadavg').read().split()[:3])}",
  "vane": "commit $VANE_COMMIT, binary $VANE_BIN; in-process timer Benchmarks/anomaly/series (swift build -c release)",
  "libraries": f"statsmodels {v('statsmodels')}, scikit-learn {v('scikit-learn')}, numpy {v('numpy')}, pandas {v('pandas')}, scipy {v('scipy')}, Python {platform.python_version()}",
  "environment": "OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=MKL_NUM_THREADS=1; every timer runs alone, one thread",
}, open(sys.argv[1], "w"), indent=1)
EOF

# --- the series (CSV for Python and the CLI; the Swift timers generate the same values) ---
log "writing the series to $WORK"
"$BENCH" data --out "$WORK" --points "$POINTS" --accuracy-series "$ACCURACY_SERIES" >"$OUT/data.json"

log "Swift: each detector over $POINTS points, $ROUNDS rounds"
"$BENCH" detectors --points "$POINTS" --rounds "$ROUNDS" >"$OUT/detectors.json"
machine "after the detectors"
log "Swift: default detector over $FLEET_SERIES series x 1,000 points"
"$BENCH" fleet --series "$FLEET_SERIES" --points 1000 >"$OUT/fleet.json"
machine "after the fleet"
log "Swift: Forecaster.forecast on 10,000 points"
"$BENCH" forecast --repeat 20 >"$OUT/forecast.json"
log "Swift: forecast accuracy"
"$BENCH" accuracy --accuracy-series "$ACCURACY_SERIES" >"$OUT/accuracy-vane.json"
machine "after the Swift forecasts"

log "vane anomaly score over $POINTS rows (3 runs)"
"$PY" "$HERE/bench.py" vane-score --vane "$VANE_BIN" --csv "$WORK/series-1m.csv" --work "$WORK" --repeat 3 >"$OUT/vane-score.json"
machine "after vane anomaly score"

log "Python: STL and IsolationForest over the same series"
"$PY" "$HERE/bench.py" detect --csv "$WORK/series-1m.csv" --stl-points "$STL_POINTS" >"$OUT/python-detect.json"
machine "after STL and IsolationForest"
log "Python: statsmodels Holt-Winters fit on 10,000 points (5 fits)"
"$PY" "$HERE/bench.py" hw-fit --csv "$WORK/fit-10k.csv" --repeat 5 >"$OUT/python-hw-fit.json"
log "Python: statsmodels forecast accuracy"
"$PY" "$HERE/bench.py" accuracy --csv "$WORK/accuracy.csv" >"$OUT/accuracy-statsmodels.json"
machine "after statsmodels"

log "vane anomaly evaluate, seeds $SEEDS"
EVAL_JSON=()
IFS=',' read -r -a _seeds <<<"$SEEDS"
for s in "${_seeds[@]}"; do
  (cd "$WORK" && "$VANE_BIN" anomaly evaluate --seed "$s" --json "$OUT/evaluate-seed$s.json") >"$OUT/evaluate-seed$s.md"
  EVAL_JSON+=("$OUT/evaluate-seed$s.json")
done
"$PY" "$HERE/bench.py" evaluate-mean "${EVAL_JSON[@]}" >"$OUT/evaluate-mean.md"
machine "end"

"$PY" "$HERE/bench.py" report --dir "$OUT" | tee "$OUT/report.md"
log "report: $OUT/report.md"
