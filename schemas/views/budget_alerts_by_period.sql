-- Budget alerts per tenant, alert type and period (UTC day or month for THRESHOLD, hour for
-- BURN_RATE): how many, the highest threshold reached, the budget and the largest spend when an
-- alert fired, and when the first and the last fired. Counts distinct alert_id: the same alert
-- written again (a second run over the same logs) counts once.
SELECT
  tenant_id,
  alert_type,
  period,
  period_start,
  count(DISTINCT alert_id) AS alerts,
  max(threshold_pct) AS max_threshold_pct,
  max(budget_usd) AS budget_usd,
  max(spend_usd) AS max_spend_usd,
  min(emitted_at) AS first_emitted_at,
  max(emitted_at) AS last_emitted_at
FROM alerts
GROUP BY tenant_id, alert_type, period, period_start
