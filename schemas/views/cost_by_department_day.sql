-- Cost per company, department and cost center, as callers tag them in requestMetadata
-- (keys company, department, costCenter; missing keys give NULL, element_at never fails).
-- Current costs (invocations_current: each invocation plus its adjustments).
SELECT
  year,
  month,
  day,
  element_at(request_metadata, 'company') AS company,
  element_at(request_metadata, 'department') AS department,
  element_at(request_metadata, 'costCenter') AS cost_center,
  count(*) AS invocations,
  sum(input_tokens) AS input_tokens,
  sum(output_tokens) AS output_tokens,
  sum(total_cost) AS total_cost,
  count_if(pricing_status = 'UNPRICED') AS unpriced_invocations
FROM invocations_current
GROUP BY
  year,
  month,
  day,
  element_at(request_metadata, 'company'),
  element_at(request_metadata, 'department'),
  element_at(request_metadata, 'costCenter')
