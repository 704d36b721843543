-- wrk script: after a run, prints one line that bench/run.sh reads:
--   RESULT <2xx/3xx answers/s> <p50 ms> <p99 ms> <socket errors> <non-2xx/3xx answers> <requests>
-- Only answers count in the rate: a shed 503 is not one. Latency percentiles cover every
-- request that completed, refusals included (wrk leaves time-outs out of them), which is why
-- socket errors and refusals are reported beside them.
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT %.1f %.3f %.3f %d %d %d\n",
    (summary.requests - e.status) / seconds,
    latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.timeout,
    e.status,
    summary.requests))
end
