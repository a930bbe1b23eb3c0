-- wrk script for Benchmarks/serving: POSTs one fixed OIP v2 request body and, when the run ends,
-- prints one parseable line:
--   RESULT {"requests":…,"duration_us":…,"rps":…,"errors":{…},"latency_us":{"p50":…,…}}
-- Usage: wrk … -s infer.lua URL -- BODY_FILE
-- The body is read once per wrk thread in init() and sent unchanged on every request (wrk formats
-- the request once per thread after init(); no Lua runs per request).

function init(args)
  local path = args[1]
  if path == nil then
    error("infer.lua: pass the request body file after --")
  end
  local file = assert(io.open(path, "rb"))
  local body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
  -- wrk.init (wrk's own) calls this function, then formats the request once from wrk.*
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local parts = {
    string.format('"requests":%d', summary.requests),
    string.format('"duration_us":%d', summary.duration),
    string.format('"rps":%.3f', summary.requests / seconds),
    string.format('"bytes":%d', summary.bytes),
    string.format('"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}',
      e.connect, e.read, e.write, e.status, e.timeout),
    string.format('"latency_us":{"min":%d,"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}',
      latency.min, latency.mean, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency:percentile(99.9), latency.max),
  }
  io.write("RESULT {" .. table.concat(parts, ",") .. "}\n")
end
