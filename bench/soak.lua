-- wrk script for bench/soak.sh: a mix of the endpoints people use (item pages and filtered
-- lists, analysis, vector tiles, the page and its assets), one picked in turn per request.
-- Counts statuses, and 503s that lack Retry-After, per thread; prints totals at the end.

local paths = {
  "/collections/installations/items?limit=50",
  "/collections/installations/items?bbox=60,30,80,45&limit=20",
  "/collections/forces/items?filter=country%3D'RUS'&limit=20",
  "/collections/countries/items?limit=5&skipGeometry=true",
  "/collections/installations/items/kant-air-base",
  "/analysis/border-zone?countries=TJK,AFG&distance_km=50",
  "/analysis/near?lon=74.85&lat=42.85&radius_km=300",
  "/analysis/range?from=kant-air-base&radius_km=500",
  "/analysis/locate?lon=69.2&lat=41.3",
  "/basemap/3/5/2.mvt",
  "/basemap/4/11/5.mvt",
  "/thematic/2/2/1.mvt",
  "/",
  "/assets/app.js",
  "/assets/style.css",
  "/conformance",
  "/collections",
  "/status",
}

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = id
  statuses = {}
  shed_without_retry = 0
end

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  return wrk.format("GET", path, { ["Accept"] = (path == "/" and "text/html" or "application/json") })
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 503 and headers["Retry-After"] == nil and headers["retry-after"] == nil then
    shed_without_retry = shed_without_retry + 1
  end
end

function done(summary, latency, requests)
  local totals, missing = {}, 0
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for code, n in pairs(s) do totals[code] = (totals[code] or 0) + n end
    missing = missing + thread:get("shed_without_retry")
  end
  local e = summary.errors
  io.write(string.format("SOAK requests=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d non2xx_3xx=%d\n",
    summary.requests, e.connect, e.read, e.write, e.timeout, e.status))
  io.write(string.format("SOAK latency_p50_ms=%.1f p99_ms=%.1f max_ms=%.1f\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  for code, n in pairs(totals) do io.write(string.format("SOAK status %d %d\n", code, n)) end
  io.write(string.format("SOAK shed_without_retry_after=%d\n", missing))
end
