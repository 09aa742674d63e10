-- Cost (tokens, guardrails, images, video, rerank; total_cost includes them all) and tokens per
-- tenant per UTC day. Filter on year/month/day (partition columns, strings such as '2026', '03')
-- so Athena reads only those days.
-- Current costs (invocations_current: each invocation plus its adjustments).
SELECT
  year,
  month,
  day,
  tenant_id,
  count(*) AS invocations,
  sum(input_tokens) AS input_tokens,
  sum(output_tokens) AS output_tokens,
  sum(cache_read_tokens) AS cache_read_tokens,
  sum(cache_write_tokens) AS cache_write_tokens,
  sum(input_cost) AS input_cost,
  sum(output_cost) AS output_cost,
  sum(cache_read_cost) AS cache_read_cost,
  sum(cache_write_cost) AS cache_write_cost,
  sum(total_cost) AS total_cost,
  count_if(pricing_status = 'UNPRICED') AS unpriced_invocations,
  count_if(error_code IS NOT NULL) AS error_invocations,
  sum(guardrail_text_units) AS guardrail_text_units,
  sum(guardrail_cost) AS guardrail_cost,
  sum(image_count) AS image_count,
  sum(image_cost) AS image_cost,
  sum(video_seconds) AS video_seconds,
  sum(video_cost) AS video_cost,
  sum(rerank_queries) AS rerank_queries,
  sum(rerank_cost) AS rerank_cost
FROM invocations_current
GROUP BY year, month, day, tenant_id
