-- wrk script for Drover's ingestion API (closed loop). Events carry no messageId, so none is ever dropped as a
-- duplicate; their users come from the population bench/run.sh pre-warms Drover's identity store with (the ids and the
-- draw are those of src/test/java/io/drover/bench/UserPopulation.java, which builds the store).
--
-- Environment:
--   BENCH_USERS  10000000 (default): users 0..N-1, events per user Zipf-distributed; 0: a fresh userId per event
--   BENCH_KNOWN  0.3: share of users that are logged in (half their events are server-side, with the userId only)
--   BENCH_ZIPF   1.1: the Zipf exponent
--   BENCH_NEW    0.05: share of events from visitors never seen (a new anonymousId)
--   BENCH_BATCH  0 (default): one ~400-byte track event per request (POST /v1/track)
--                N > 0: {"batch":[N track events]} per request (POST /v1/batch)
--   BENCH_AUTH   value of the Authorization header (optional: the bare baseline ignores it)
--   BENCH_LABEL  name printed on the RESULT line
--
-- done() prints one "RESULT ..." line (latencies in ms) that bench/run.sh reads.

local batch = tonumber(os.getenv("BENCH_BATCH") or "0") or 0
local auth = os.getenv("BENCH_AUTH")
local label = os.getenv("BENCH_LABEL") or "wrk"

local users = tonumber(os.getenv("BENCH_USERS") or "10000000") or 10000000
local knownPerMille = math.floor((tonumber(os.getenv("BENCH_KNOWN") or "0.3") or 0.3) * 1000 + 0.5)
local exponent = tonumber(os.getenv("BENCH_ZIPF") or "1.1") or 1.1
local freshShare = tonumber(os.getenv("BENCH_NEW") or "0.05") or 0.05

-- One event, with %s for its ids ("anonymousId":"..." and/or "userId":"..."): about 400 bytes, a typical track call.
local event = '{%s,"event":"Product Viewed",'
  .. '"properties":{"product_id":"sku-48213","name":"Trail Running Shoe","category":"Footwear",'
  .. '"price":89.95,"currency":"EUR","quantity":1},'
  .. '"context":{"library":{"name":"drover-bench","version":"1.0.0"},"locale":"de-DE",'
  .. '"page":{"path":"/products/sku-48213","referrer":"https://search.example/q?shoes"}},'
  .. '"timestamp":"2025-11-28T12:00:00.000Z"}'
local batchEvent = '{"type":"track",' .. event:sub(2)

-- Runs in the main Lua state before the threads start: give each thread its own number for unique ids.
local nextThread = 1
function setup(thread)
  thread:set("tid", nextThread)
  nextThread = nextThread + 1
end

-- Zipf over 1..n by rejection-inversion (Hoermann and Derflinger 1996), as UserPopulation.Zipf: no table.
local function helper1(x) if math.abs(x) > 1e-8 then return math.log(1 + x) / x end return 1 - x * (0.5 - x * (1 / 3 - 0.25 * x)) end
local function helper2(x) if math.abs(x) > 1e-8 then return (math.exp(x) - 1) / x end return 1 + x * 0.5 * (1 + x * (1 / 3) * (1 + 0.25 * x)) end
local function h(x) return math.exp(-exponent * math.log(x)) end
local function hIntegral(x) local l = math.log(x) return helper2((1 - exponent) * l) * l end
local function hIntegralInverse(x)
  local t = x * (1 - exponent)
  if t < -1 then t = -1 end
  return math.exp(helper1(t) * x)
end
local hX1, hN, sConst
if users > 0 then
  hX1 = hIntegral(1.5) - 1
  hN = hIntegral(users + 0.5)
  sConst = 2 - hIntegralInverse(hIntegral(2.5) - h(2))
end
local function zipf()
  while true do
    local u = hN + math.random() * (hX1 - hN)
    local x = hIntegralInverse(u)
    local k = math.floor(x + 0.5)
    if k < 1 then k = 1 elseif k > users then k = users end
    if k - x <= sConst or u >= hIntegral(k + 0.5) - h(k) then return k end
  end
end

-- Runs in each thread's own Lua state.
function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0))
end
local n = 0
local run = tostring(os.time())
local headers = { ["Content-Type"] = "application/json" }
if auth then headers["Authorization"] = auth end

-- The ids of one event, as UserPopulation.Draw.next() draws them.
local function ids(suffix)
  if users <= 0 then
    return string.format('"userId":"b%s-%s-%d%s","anonymousId":"a7c2e1f0-4b1d-4c55-9a6e-0d3f2b8c7e61"', run, tid, n, suffix)
  end
  if math.random() < freshShare then
    return string.format('"anonymousId":"new-%s-%s-%d%s"', run, tid, n, suffix)
  end
  local user = ((zipf() - 1) * 7919) % users
  if (user * 7919) % 1000 < knownPerMille and math.random() < 0.5 then
    return string.format('"userId":"customer-%d"', user)
  end
  return string.format('"anonymousId":"%08x-0000-4000-8000-%012d"', user, user)
end

function request()
  n = n + 1
  if batch <= 0 then
    return wrk.format("POST", nil, headers, string.format(event, ids("")))
  end
  local items = {}
  for i = 1, batch do
    items[i] = string.format(batchEvent, ids("-" .. i))
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
