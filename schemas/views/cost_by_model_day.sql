-- Cost and tokens per canonical model and inference-profile scope per UTC day.
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
  count_if(error_code IS NOT NULL) AS error_invocations
FROM invocations
GROUP BY year, month, day, model, profile_scope
