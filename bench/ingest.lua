-- wrk script for Drover's ingestion API (closed loop). Each request gets fresh userIds and no messageId, so no
-- event is ever dropped as a duplicate and the events spread over the topic's partitions as real traffic does.
--
-- Environment:
--   BENCH_BATCH  0 (default): one ~400-byte track event per request (POST /v1/track)
--                N > 0: {"batch":[N track events]} per request (POST /v1/batch)
--   BENCH_AUTH   value of the Authorization header (optional: the bare baseline ignores it)
--   BENCH_LABEL  name printed on the RESULT line
--
-- done() prints one "RESULT ..." line (latencies in ms) that bench/run.sh reads.

local batch = tonumber(os.getenv("BENCH_BATCH") or "0") or 0
local auth = os.getenv("BENCH_AUTH")
local label = os.getenv("BENCH_LABEL") or "wrk"

-- One event, with %s for its userId: about 400 bytes, like a typical server-side track call.
local event = '{"userId":"%s","event":"Product Viewed",'
  .. '"properties":{"product_id":"sku-48213","name":"Trail Running Shoe","category":"Footwear",'
  .. '"price":89.95,"currency":"EUR","quantity":1},'
  .. '"context":{"library":{"name":"drover-bench","version":"1.0.0"},"locale":"de-DE",'
  .. '"page":{"path":"/products/sku-48213","referrer":"https://search.example/q?shoes"}},'
  .. '"timestamp":"2025-11-28T12:00:00.000Z","anonymousId":"a7c2e1f0-4b1d-4c55-9a6e-0d3f2b8c7e61"}'
local batchEvent = '{"type":"track",' .. event:sub(2)

-- Runs in the main Lua state before the threads start: give each thread its own number for unique ids.
local nextThread = 1
function setup(thread)
  thread:set("tid", nextThread)
  nextThread = nextThread + 1
end

-- Runs in each thread's own Lua state.
local n = 0
local run = tostring(os.time())
local headers = { ["Content-Type"] = "application/json" }
if auth then headers["Authorization"] = auth end

function request()
  n = n + 1
  local prefix = "b" .. run .. "-" .. tostring(tid) .. "-" .. n
  if batch <= 0 then
    return wrk.format("POST", nil, headers, string.format(event, prefix))
  end
  local items = {}
  for i = 1, batch do
    items[i] = string.format(batchEvent, prefix .. "-" .. i)
  end
  return wrk.format("POST", nil, headers, '{"batch":[' .. table.concat(items, ",") .. ']}')
end

-- No response() hook on purpose: it would make wrk hand every answer to Lua, costing CPU the server shares. wrk counts
-- answers with status >= 400 in errors.status; the ingestion API answers 200 or an error status, never 3xx.
function done(summary, latency, requests)
  local e = summary.errors
  local bad = e.status
  local socketErrors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  local ok = summary.requests - bad
  local perRequest = batch > 0 and batch or 1
  io.write(string.format(
    "RESULT label=%s requests=%d ok=%d failed_status=%d socket_errors=%d seconds=%.2f req_per_s=%.1f events_per_s=%.1f "
      .. "p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f\n",
    label, summary.requests, ok, bad, socketErrors, seconds, summary.requests / seconds, ok * perRequest / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    latency.max / 1000))
end
