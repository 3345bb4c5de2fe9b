-- Rows the metrics use per usage table and month, from the row accounting: the months present
-- (the manifest's history) and the per-month counts the drift guard compares. Only the usage
-- tables have months (ingest_account.months is empty for the others).
SELECT table_name, e.month, sum(e."rows")::BIGINT AS n
FROM (SELECT table_name, unnest(months) AS e FROM ingest_account)
GROUP BY table_name, e.month
