-- Which models went unpriced, and how much traffic that hides: add their rows to pricing/.
-- example_unpriced_reason is one of the reasons (a missing token, tier, guardrail or unit price).
-- Current status (invocations_current): an invocation priced late by an adjustment no longer counts.
SELECT
  year,
  month,
  day,
  model,
  model_id,
  count(*) AS invocations,
  count_if(pricing_status = 'UNPRICED') AS unpriced_invocations,
  sum(CASE WHEN pricing_status = 'UNPRICED'
           THEN input_tokens + output_tokens + cache_read_tokens + cache_write_tokens
           ELSE 0 END) AS unpriced_tokens,
  max(unpriced_reason) AS example_unpriced_reason
FROM invocations_current
GROUP BY year, month, day, model, model_id
