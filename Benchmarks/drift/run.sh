#!/usr/bin/env bash
# Drift benchmark: `vane drift` vs Evidently's DataDriftPreset vs pandas + scipy column by column,
# end to end from the same generated CSV files, each run in its own process.
# Usage: Benchmarks/drift/run.sh [--vane PATH] [--sizes small,large] [--repeat N] [--out DIR]
#                                [--evidently-large-repeat N] [--tools evidently,scipy,vane] [--max-load L]
#                                [--max-busy CORES] [--max-wait S]
# VANE_BIN=PATH is the same as --vane PATH (no release build then). See README.md beside it.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$HERE/.venv"
PYTHON="${PYTHON:-python3}"
# What the venv gets; the report records the versions that were actually installed.
REQUIREMENTS=('evidently==0.7.*' 'pandas<3' 'numpy' 'scipy')
VANE_BIN="${VANE_BIN:-}"
SIZES="small,large"
REPEAT=3
EV_LARGE_REPEAT=1        # Evidently on 1M x 1M takes minutes a run
TOOLS="evidently,scipy,vane"
MAX_LOAD=1.0             # wait (up to 5 min) for the 1-minute load average to drop below this
MAX_BUSY=0.3             # before each run, wait (up to MAX_WAIT s) until the machine uses fewer cores than this
MAX_WAIT=60
OUT="$HERE/results"
DATA="$HERE/out/data"
CMDLINE="Benchmarks/drift/run.sh"
for a in "$@"; do CMDLINE+=" $(printf '%q' "$a")"; done
if [[ -n "$VANE_BIN" ]]; then CMDLINE="VANE_BIN=$(printf '%q' "$VANE_BIN") $CMDLINE"; fi

while [[ $# -gt 0 ]]; do
  case "$1" in
    --vane) VANE_BIN="$2"; shift 2 ;;
    --sizes) SIZES="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --evidently-large-repeat) EV_LARGE_REPEAT="$2"; shift 2 ;;
    --tools) TOOLS="$2"; shift 2 ;;
    --max-load) MAX_LOAD="$2"; shift 2 ;;
    --max-busy) MAX_BUSY="$2"; shift 2 ;;
    --max-wait) MAX_WAIT="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
for n in "$REPEAT" "$EV_LARGE_REPEAT"; do
  [[ "$n" =~ ^[0-9]+$ && "$n" -gt 0 ]] || { echo "run.sh: --repeat and --evidently-large-repeat are positive integers" >&2; exit 2; }
done
[[ "$SIZES" =~ ^(small|large)(,(small|large))*$ ]] || { echo "run.sh: --sizes takes small, large or small,large" >&2; exit 2; }
[[ "$TOOLS" =~ ^(evidently|scipy|vane)(,(evidently|scipy|vane))*$ ]] || { echo "run.sh: --tools takes a list of evidently, scipy, vane" >&2; exit 2; }

log() { echo "run.sh: $*" >&2; }

# --- venv with Evidently, pandas < 3 (Evidently 0.7 does not import with pandas 3), numpy, scipy ---
STAMP="$VENV/.requirements"
if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
if [[ "$(cat "$STAMP" 2>/dev/null || true)" != "${REQUIREMENTS[*]}" ]] \
   || ! "$VENV/bin/python" -c 'import evidently, pandas, numpy, scipy' >/dev/null 2>&1; then
  log "installing ${REQUIREMENTS[*]} into $VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet "${REQUIREMENTS[@]}"
  echo "${REQUIREMENTS[*]}" > "$STAMP"
fi
PY="$VENV/bin/python"

# --- vane: release build with the Swift runtime linked statically, unless given ---
if [[ ",$TOOLS," == *,vane,* ]]; then
  if [[ -z "$VANE_BIN" ]]; then
    log "building vane (release)"
    (cd "$REPO" && swift build -c release --scratch-path .build-release --static-swift-stdlib --product vane >&2)
    VANE_BIN="$REPO/.build-release/release/vane"
  fi
  [[ -x "$VANE_BIN" ]] || { log "vane binary not found at $VANE_BIN"; exit 2; }
  VANE_BIN="$(cd "$(dirname "$VANE_BIN")" && pwd)/$(basename "$VANE_BIN")"
fi

# --- data: generated once (seeded), reused when present ---
"$PY" "$HERE/drift.py" generate --out "$DATA" --sizes "$SIZES"

# --- a quiet machine if we can get one (it is shared with builds) ---
for _ in $(seq 1 30); do
  awk -v m="$MAX_LOAD" '{exit !($1 < m)}' /proc/loadavg && break
  log "load average $(cut -d' ' -f1-3 /proc/loadavg), waiting for < $MAX_LOAD (at most 5 min in all)"
  sleep 10
done

# --- metadata ---
STAMP_TIME="$(date -u +%Y-%m-%dT%H%M%SZ)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
RAW="$HERE/out/runs/$STAMP_TIME"
mkdir -p "$RAW"
VANE_DESC="not run"
if [[ -n "$VANE_BIN" ]]; then
  VANE_COMMIT="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n "$(git -C "$REPO" status --porcelain -- Sources Package.swift 2>/dev/null || true)" ]]; then
    VANE_COMMIT+=" + uncommitted changes in Sources/ (tree digest $(cd "$REPO" && find Sources Package.swift -type f -print0 \
      | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12))"
  fi
  VANE_DESC="$("$VANE_BIN" version 2>/dev/null | head -1 || true); binary $VANE_BIN (sha256 $(sha256sum "$VANE_BIN" | cut -c1-12)), built $(date -u -r "$VANE_BIN" +%Y-%m-%dT%H:%MZ); repository at the run: $VANE_COMMIT"
fi
"$PY" - "$RAW/meta.json" <<EOF
import json, os, platform, subprocess, sys, importlib.metadata as md
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = int(open("/proc/meminfo").read().split()[1]) / 2**20
osname = next((l.split("=", 1)[1].strip().strip('"') for l in open("/etc/os-release") if l.startswith("PRETTY_NAME=")), "?")
v = md.version
sizes = []
for case in "$SIZES".split(","):
    d = os.path.join("$DATA", case)
    s = json.load(open(os.path.join(d, "schema.json")))
    mib = [os.path.getsize(os.path.join(d, f + ".csv")) / 2**20 for f in ("reference", "current")]
    sizes.append(f"{case}: {s['rows'][0]:,} × {s['rows'][1]:,} rows, {len(s['numerical_columns'])} numerical + "
                 f"{len(s['categorical_columns'])} categorical columns, reference.csv {mib[0]:.1f} MiB, current.csv {mib[1]:.1f} MiB")
json.dump({
  "date": "$STAMP_TIME",
  "command": """$CMDLINE""",
  "machine": f"nproc {os.cpu_count()} ({cpu}), {mem:.0f} GiB, {osname}, Linux {platform.release()}; "
             f"uptime at the start: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}",
  "vane": """$VANE_DESC""",
  "python": f"evidently {v('evidently')}, pandas {v('pandas')}, numpy {v('numpy')}, scipy {v('scipy')}, Python {platform.python_version()}",
  "data": "drift.py generate (numpy default_rng, seeded; floats written %.7g, missing values as empty fields) — " + "; ".join(sizes),
}, open(sys.argv[1], "w"), indent=1)
EOF

VANE_ARGS=()
[[ -n "$VANE_BIN" ]] && VANE_ARGS=(--vane "$VANE_BIN")
"$PY" "$HERE/drift.py" bench --data "$DATA" --raw "$RAW" --meta "$RAW/meta.json" --report "$OUT/$STAMP_TIME.md" \
  --sizes "$SIZES" --repeat "$REPEAT" --evidently-large-repeat "$EV_LARGE_REPEAT" --tools "$TOOLS" \
  --max-busy "$MAX_BUSY" --max-wait "$MAX_WAIT" ${VANE_ARGS[@]+"${VANE_ARGS[@]}"}
log "report: $OUT/$STAMP_TIME.md (raw outputs in $RAW)"
