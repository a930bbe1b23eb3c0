#!/usr/bin/env bash
# Streams a 1 GiB artifact through `vane server` (PUT, then GET) and samples the server's RSS
# every 50 ms, to show that memory stays flat whatever the artifact size.
#
#   Benchmarks/tracking/artifact_stream.sh [--vane PATH] [--size-mib N]
#
# Loopback only; the server is stopped by its PID on exit.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
VANE="${VANE_BIN:-$REPO/.build/release/vane}"
SIZE_MIB=1024
while [ $# -gt 0 ]; do
  case "$1" in
    --vane) VANE="$2"; shift 2 ;;
    --size-mib) SIZE_MIB="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$VANE" server --port "$PORT" --data-dir "$WORK/data" 2>"$WORK/server.log" &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.05; done

rss() { awk '/VmRSS/{print $2}' "/proc/$PID/status"; }
sample() { # sample RSS while the given PID runs; prints the peak in KiB
  local peak=0 v
  while kill -0 "$1" 2>/dev/null; do v=$(rss); [ "$v" -gt "$peak" ] && peak=$v; sleep 0.05; done
  echo "$peak"
}
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom > "$WORK/blob.bin"
URL="http://127.0.0.1:$PORT/api/2.0/mlflow-artifacts/artifacts/0/stream/artifacts/blob.bin"
before=$(rss)
start=$(date +%s.%N)
curl -sf -T "$WORK/blob.bin" -H 'Content-Type: application/octet-stream' "$URL" -o /dev/null &
up_peak=$(sample $!)
mid=$(date +%s.%N)
curl -sf "$URL" -o "$WORK/back.bin" &
down_peak=$(sample $!)
end=$(date +%s.%N)
cmp -s "$WORK/blob.bin" "$WORK/back.bin" && same=yes || same=no
python3 - "$SIZE_MIB" "$before" "$up_peak" "$down_peak" "$start" "$mid" "$end" "$same" <<'PY'
import sys
size, before, up, down, t0, t1, t2, same = sys.argv[1:]
size = int(size); t0, t1, t2 = float(t0), float(t1), float(t2)
print(f"artifact: {size} MiB, round trip identical: {same}")
print(f"server RSS before: {int(before)/1024:.1f} MiB; peak during upload: {int(up)/1024:.1f} MiB; peak during download: {int(down)/1024:.1f} MiB")
print(f"upload {size/(t1-t0):.0f} MiB/s, download {size/(t2-t1):.0f} MiB/s")
PY
