-- wrk script: after the run, print one machine-readable line with throughput and real
-- percentiles from wrk's own latency histogram (microseconds in, milliseconds out).
-- Headers given with -H still apply: this script does not override request().
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH rps=%.1f p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f requests=%d "
      .. "errors_status=%d errors_socket=%d\n",
    summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests,
    e.status, e.connect + e.read + e.write + e.timeout))
end
