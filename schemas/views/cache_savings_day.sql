-- What prompt caching saved per tenant and model per UTC day: the cached tokens (read and
-- written) priced as plain input, minus what the cache reads and writes actually cost. The
-- input price per token is taken from the row itself (input_cost / input_tokens), so only
-- priced rows with uncached input count; the estimate is in DOUBLE, not exact decimal.
-- Current costs (invocations_current: each invocation plus its adjustments).
SELECT
  year,
  month,
  day,
  tenant_id,
  model,
  count(*) AS invocations,
  sum(cache_read_tokens) AS cache_read_tokens,
  sum(cache_write_tokens) AS cache_write_tokens,
  sum(CAST(cache_read_cost AS DOUBLE)) AS cache_read_cost,
  sum(CAST(cache_write_cost AS DOUBLE)) AS cache_write_cost,
  sum(CAST(input_cost AS DOUBLE) / input_tokens * (cache_read_tokens + cache_write_tokens)) AS cached_tokens_at_input_price,
  sum(CAST(input_cost AS DOUBLE) / input_tokens * (cache_read_tokens + cache_write_tokens)
      - CAST(cache_read_cost AS DOUBLE) - CAST(cache_write_cost AS DOUBLE)) AS estimated_savings
FROM invocations_current
WHERE pricing_status = 'PRICED'
  AND input_tokens > 0
  AND (cache_read_tokens > 0 OR cache_write_tokens > 0)
GROUP BY year, month, day, tenant_id, model
