-- Model latency percentiles per model per UTC day (approximate percentiles, as Athena computes
-- them); calls without a logged latency are left out.
SELECT
  year,
  month,
  day,
  model,
  count(*) AS invocations,
  approx_percentile(latency_ms, 0.5) AS latency_p50_ms,
  approx_percentile(latency_ms, 0.9) AS latency_p90_ms,
  approx_percentile(latency_ms, 0.99) AS latency_p99_ms,
  avg(latency_ms) AS latency_avg_ms,
  max(latency_ms) AS latency_max_ms
FROM invocations
WHERE latency_ms IS NOT NULL
GROUP BY year, month, day, model
