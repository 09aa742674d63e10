-- Cost (tokens, guardrails, images, video, rerank; total_cost includes them all) and tokens per
-- canonical model and inference-profile scope per UTC day.
-- Current costs (invocations_current: each invocation plus its adjustments).
SELECT
  year,
  month,
  day,
  model,
  profile_scope,
  count(*) AS invocations,
  sum(input_tokens) AS input_tokens,
  sum(output_tokens) AS output_tokens,
  sum(cache_read_tokens) AS cache_read_tokens,
  sum(cache_write_tokens) AS cache_write_tokens,
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
GROUP BY year, month, day, model, profile_scope
