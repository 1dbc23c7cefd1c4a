-- Shared by the per-query scripts: sends one GraphQL document as a JSON
-- POST, counts responses whose body contains GraphQL errors, and prints
-- one `BENCH_RESULT {...}` line that benchmarks/load.py parses.

local M = {}

function M.json_string(text)
  local escaped = text:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("\n", "\\n")
  return '"' .. escaped .. '"'
end

-- Set the request that every connection repeats. `variables_json` is a
-- JSON object as text, or nil. With an `access_token` the request sends
-- `Authorization: Bearer <access_token>`; nil or "" sends no such header.
function M.post(document_path, variables_json, access_token)
  local file = assert(io.open(document_path, "r"))
  local document = file:read("*a")
  file:close()

  local body = '{"query":' .. M.json_string(document)
  if variables_json then
    body = body .. ',"variables":' .. variables_json
  end
  wrk.method = "POST"
  wrk.body = body .. "}"
  wrk.headers["Content-Type"] = "application/json"
  if access_token and access_token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. access_token
  end
end

-- wrk calls setup() and done() in its main Lua state and response() in
-- each thread's own state, so each thread counts its own errors and
-- done() adds them up through thread:get().
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

graphql_errors = 0
required_pattern = nil

-- Also count a response as a GraphQL error unless its body matches the
-- Lua pattern `pattern`.
function M.require_pattern(pattern)
  required_pattern = pattern
end

function response(status, headers, body)
  if body and body:find('"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
  elseif required_pattern and not (body and body:find(required_pattern)) then
    graphql_errors = graphql_errors + 1
  end
end

function done(summary, latency, requests)
  local total_graphql_errors = 0
  for _, thread in ipairs(threads) do
    total_graphql_errors = total_graphql_errors + (thread:get("graphql_errors") or 0)
  end

  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,'
      .. '"connect_errors":%d,"read_errors":%d,"write_errors":%d,'
      .. '"status_errors":%d,"timeouts":%d,"graphql_errors":%d,'
      .. '"latency_p50_us":%d,"latency_p90_us":%d,"latency_p99_us":%d,'
      .. '"latency_mean_us":%.1f,"latency_max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    total_graphql_errors,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.mean, latency.max
  ))
end

return M
