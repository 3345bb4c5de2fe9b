-- Explain: the customer rows behind one partner-area's metrics on one track (the columns are text:
-- package explain orders them by contribution).
SELECT {{columns}} FROM read_parquet({{path}})
WHERE partner_id = $partner AND solution_area = $area AND track = $track
ORDER BY metric, part, tenant_id, workload
