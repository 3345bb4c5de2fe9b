-- A what-if run of one partner: raises the active users of one accepted row of keyed usage table
-- table (m365_usage or bizapps_usage) in place: the table holds one row per tenant, month and
-- workload, so more users are a larger figure on that row. Parameters: tenant, month (its first
-- day), workload, add.
UPDATE {{table}} SET active_users = active_users + $add
WHERE tenant_key = (SELECT tenant_key FROM tenants WHERE tenant_id = $tenant)
    AND month = $month::DATE AND workload = $workload
