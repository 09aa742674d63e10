-- Every invocation at its CURRENT cost: its invocations row plus the sum of its adjustments
-- (a price that arrived late, a corrected price: docs/pricing.md, "Corrections"). Same columns as
-- invocations; pricing_status and price_source are those of the latest adjustment, unpriced_reason
-- is NULL once priced; adjustments counts them (0: the row as written) and last_adjusted_at says
-- when the latest was made. invocations stays append-only: for money, read this view (the cost
-- views below do the same join). Filter on year/month/day (the invocation's UTC day) to read only
-- those days of invocations; adjustments are read whole (a small table).
SELECT
  i.request_id,
  i.event_time,
  i.account_id,
  i.region,
  i.inference_region,
  i.operation,
  i.model_id,
  i.model,
  i.profile_scope,
  i.identity_arn,
  i.tenant_id,
  i.request_metadata,
  i.input_tokens,
  i.output_tokens,
  i.cache_read_tokens,
  i.cache_write_tokens,
  i.cache_write_1h_tokens,
  i.latency_ms,
  i.error_code,
  CASE WHEN a.input_cost_delta IS NULL THEN i.input_cost ELSE coalesce(i.input_cost, 0) + a.input_cost_delta END AS input_cost,
  CASE WHEN a.output_cost_delta IS NULL THEN i.output_cost ELSE coalesce(i.output_cost, 0) + a.output_cost_delta END AS output_cost,
  CASE WHEN a.cache_read_cost_delta IS NULL THEN i.cache_read_cost ELSE coalesce(i.cache_read_cost, 0) + a.cache_read_cost_delta END AS cache_read_cost,
  CASE WHEN a.cache_write_cost_delta IS NULL THEN i.cache_write_cost ELSE coalesce(i.cache_write_cost, 0) + a.cache_write_cost_delta END AS cache_write_cost,
  CASE WHEN a.total_cost_delta IS NULL THEN i.total_cost ELSE coalesce(i.total_cost, 0) + a.total_cost_delta END AS total_cost,
  coalesce(a.pricing_status, i.pricing_status) AS pricing_status,
  CASE WHEN a.request_id IS NULL THEN i.price_source ELSE a.price_source END AS price_source,
  i.ingest_time,
  i.guardrail_text_units,
  i.guardrail_policy_units,
  CASE WHEN a.guardrail_cost_delta IS NULL THEN i.guardrail_cost ELSE coalesce(i.guardrail_cost, 0) + a.guardrail_cost_delta END AS guardrail_cost,
  i.service_tier,
  i.image_count,
  CASE WHEN a.image_cost_delta IS NULL THEN i.image_cost ELSE coalesce(i.image_cost, 0) + a.image_cost_delta END AS image_cost,
  i.video_seconds,
  CASE WHEN a.video_cost_delta IS NULL THEN i.video_cost ELSE coalesce(i.video_cost, 0) + a.video_cost_delta END AS video_cost,
  i.rerank_queries,
  CASE WHEN a.rerank_cost_delta IS NULL THEN i.rerank_cost ELSE coalesce(i.rerank_cost, 0) + a.rerank_cost_delta END AS rerank_cost,
  CASE WHEN a.pricing_status = 'PRICED' THEN NULL ELSE i.unpriced_reason END AS unpriced_reason,
  i.image_variant,
  coalesce(a.adjustments, 0) AS adjustments,
  a.last_adjusted_at,
  i.year,
  i.month,
  i.day
FROM invocations i
LEFT JOIN (
  SELECT
    request_id,
    count(*) AS adjustments,
    max(adjusted_at) AS last_adjusted_at,
    max_by(new_pricing_status, adjusted_at) AS pricing_status,
    max_by(new_price_source, adjusted_at) AS price_source,
    sum(input_cost_delta) AS input_cost_delta,
    sum(output_cost_delta) AS output_cost_delta,
    sum(cache_read_cost_delta) AS cache_read_cost_delta,
    sum(cache_write_cost_delta) AS cache_write_cost_delta,
    sum(total_cost_delta) AS total_cost_delta,
    sum(guardrail_cost_delta) AS guardrail_cost_delta,
    sum(image_cost_delta) AS image_cost_delta,
    sum(video_cost_delta) AS video_cost_delta,
    sum(rerank_cost_delta) AS rerank_cost_delta
  FROM adjustments
  GROUP BY request_id
) a ON a.request_id = i.request_id
