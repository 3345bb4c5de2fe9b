-- The association types that reach each tenant (for the row's workload or service, or every
-- workload) through the metric's accepted types and are active in some month of the window
-- S-23..S. Per (set, partner, tenant): the types of the associations for every workload, and
-- (workload, type) of those for one workload; export_customer_eligibility joins them to the rows
-- on equality keys only and forms each row's association_types.
CREATE OR REPLACE TABLE elig_types AS
WITH a AS (
    SELECT DISTINCT k.set_key, a.partner_key, a.tenant_key, a.workload, a.association_type
    FROM associations a
    JOIN rb_assoc_set_type k ON k.association_type = a.association_type
    CROSS JOIN params p
    WHERE a.start_date <= last_day(p.s) AND (a.end_date IS NULL OR a.end_date >= p.s23)
      AND k.set_key IN (SELECT set_key FROM elig_metric_set)
)
SELECT set_key, partner_key, tenant_key,
    coalesce(list(association_type) FILTER (WHERE workload IS NULL), []) AS all_types,
    coalesce(list({'w': workload, 't': association_type}) FILTER (WHERE workload IS NOT NULL), []) AS wl_types
FROM a GROUP BY ALL
