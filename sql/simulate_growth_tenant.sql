-- Simulate: the customer --grow-usage adds to, from the published month's customer_eligibility
-- file: of the partner's rows of the area's usage growth on the track, those counted now (or
-- any row of the tenant named with --tenant), of Azure usage (no workload: NULL or empty) or of a
-- workload as $azure says; the largest usage in S first.
SELECT tenant_id, coalesce(workload, ''), coalesce(now_amount, 0)::DOUBLE
FROM read_parquet({{path}})
WHERE partner_id = $partner AND solution_area = $area AND track = $track AND metric = 'usage_growth'
    AND (coalesce(workload, '') = '') = $azure
    AND (CASE WHEN $tenant = '' THEN counted_now ELSE tenant_id = $tenant END)
ORDER BY counted_now DESC, now_amount DESC NULLS LAST, tenant_id, workload
LIMIT 1
