-- Inputs the job could not turn into invocation rows, per processing day and error code.
SELECT
  year,
  month,
  day,
  error_type,
  count(*) AS failed_records,
  sum(raw_bytes) AS raw_bytes
FROM failed
GROUP BY year, month, day, error_type
