-- Months present per usage table (rows the metrics use), from the row accounting.
SELECT DISTINCT table_name, unnest(months) AS month FROM ingest_account
WHERE table_name IN ('azure_consumption', 'm365_usage', 'bizapps_usage')
