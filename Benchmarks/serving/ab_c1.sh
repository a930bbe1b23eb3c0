#!/usr/bin/env bash
# A/B of two (or more) vane binaries on the latency-bound case: `vane serve` with the XGBoost
# fixture, one-row OIP v2 infer under `wrk -t1 -c1`, binaries alternated, 2 rounds, 2 s of
# warm-up and 10 s measured each, every server on its own free loopback port.
#
#   Benchmarks/serving/ab_c1.sh OLD_VANE NEW_VANE
#
# Needs wrk and the venv of run.sh (for the request body). Prints req/s and p99 per run.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
MODEL="$REPO/Tests/Fixtures/models/xgb_binary_logistic.json"
BODIES="$HERE/out/ab-bodies"
[ -f "$BODIES/rows1.json" ] || "$HERE/.venv/bin/python" "$HERE/serving.py" bodies \
  --inputs "$REPO/Tests/Fixtures/models/xgb_binary_logistic.inputs.json" --out "$BODIES" --rows 1000 >&2
for round in 1 2; do
  for bin in "$@"; do
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
    "$bin" serve --model "$MODEL" --name xgb --port "$port" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do curl -sf "127.0.0.1:$port/v2/health/ready" >/dev/null && break; sleep 0.1; done
    url="http://127.0.0.1:$port/v2/models/xgb/infer"
    wrk -t1 -c1 -d2s -s "$HERE/infer.lua" "$url" -- "$BODIES/rows1.json" >/dev/null
    result="$(wrk -t1 -c1 -d10s --latency -s "$HERE/infer.lua" "$url" -- "$BODIES/rows1.json" | grep -E 'Requests/sec|99%' | tr -s ' \n' ' ')"
    echo "round $round $bin: $result"
    kill "$pid"; wait "$pid" 2>/dev/null
  done
done
