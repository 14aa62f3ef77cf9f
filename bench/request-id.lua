-- GET /home with a random 6-digit X-Request-Id per request; prints one machine-readable RESULT line at the end.
local rand = math.random
request = function()
  return wrk.format("GET", "/home", { ["X-Request-Id"] = tostring(rand(100000, 999999)) })
end

done = function(summary, latency, requests)
  local e = summary.errors
  local sockerr = e.connect + e.read + e.write + e.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.3f p99_ms=%.3f socket_errors=%d status_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, sockerr, e.status))
end
