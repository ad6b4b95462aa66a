-- wrk script: POSTs GraphQL bodies read from the file named by $BODIES (one JSON body a
-- line; requests cycle through them, so a file with several lines is a mix), with the
-- Authorization header from $TOKEN when set; or, with $GET_PATH, GETs that path (a
-- persisted query by hash). Counts non-200 answers and GraphQL errors. At the end prints one parseable line:
--   RESULT requests=N errors=N rps=X p50_ms=X p95_ms=X p99_ms=X
local get_path = os.getenv("GET_PATH")
if get_path == "" then get_path = nil end
local bodies = {}
if not get_path then
  for line in io.lines(os.getenv("BODIES")) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
end
local token = os.getenv("TOKEN")
local counter = 0

function init(args)
  counter = math.random(math.max(#bodies, 1))
end

function request()
  if get_path then return wrk.format("GET", get_path, { ["Accept"] = "application/json" }) end
  counter = counter % #bodies + 1
  local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
  if token and #token > 0 then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("POST", nil, headers, bodies[counter])
end

local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

failures = 0
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then failures = failures + 1 end
end

function done(summary, latency, requests)
  -- Socket errors, non-200 answers and GraphQL errors in a 200 answer.
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  for _, thread in ipairs(threads) do errors = errors + thread:get("failures") end
  io.write(string.format("RESULT requests=%d errors=%d rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f\n",
    summary.requests, errors, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
