#!/usr/bin/env python3
"""runs/search latency against a running server, with bench.py's query.

usage: search_latency.py PORT [REQUESTS] [EXPERIMENT_ID]
Sends the benchmark's search (3-term filter, metric order_by, max_results 100) REQUESTS times
on one kept-alive connection and prints p50 / p95 in milliseconds.
"""
import http.client, json, sys, time
sys.path.insert(0, __import__("os").path.dirname(__file__))
from bench import SEARCH_FILTER, SEARCH_ORDER_BY, SEARCH_MAX_RESULTS  # noqa: E402

port = int(sys.argv[1]); n = int(sys.argv[2]) if len(sys.argv) > 2 else 100
exp = sys.argv[3] if len(sys.argv) > 3 else "1"
c = http.client.HTTPConnection("127.0.0.1", port)
body = json.dumps({"experiment_ids": [exp], "filter": SEARCH_FILTER, "max_results": SEARCH_MAX_RESULTS,
                   "order_by": SEARCH_ORDER_BY})
lat = []
for _ in range(n):
    t = time.perf_counter()
    c.request("POST", "/api/2.0/mlflow/runs/search", body=body, headers={"Content-Type": "application/json"})
    r = c.getresponse(); d = r.read()
    lat.append(time.perf_counter() - t)
    assert r.status == 200, d[:200]
lat.sort()
print(f"runs {len(json.loads(d).get('runs', []))}  p50 {lat[len(lat) // 2] * 1e3:.1f} ms  p95 {lat[int(len(lat) * 0.95)] * 1e3:.1f} ms")
