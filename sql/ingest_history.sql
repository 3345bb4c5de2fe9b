-- Months present per usage table (accepted rows).
SELECT DISTINCT 'azure_consumption' AS table_name, month FROM azure_consumption
UNION ALL SELECT DISTINCT 'm365_usage', month FROM m365_usage
UNION ALL SELECT DISTINCT 'bizapps_usage', month FROM bizapps_usage
