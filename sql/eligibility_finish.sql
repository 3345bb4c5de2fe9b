-- customer_eligibility: the family rows with the association types that reach each tenant (for
-- the row's workload or service, or every workload) through the metric's accepted types and are
-- active in some month of the window S-23..S. Per (set, partner, tenant): the types of the
-- associations for every workload, and (workload, type) of those for one workload; joined to the
-- rows on equality keys only.
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
;
CREATE OR REPLACE TABLE customer_eligibility AS
SELECT r.*,
    array_to_string(list_sort(list_distinct(coalesce(t.all_types, [])
        || list_transform(list_filter(coalesce(t.wl_types, []), x -> r.workload = '' OR x.w = r.workload), x -> x.t))), ',')
        AS association_types
FROM elig_customer_rows r
LEFT JOIN elig_types t ON t.set_key = r.set_key AND t.partner_key = r.partner_key AND t.tenant_key = r.tenant_key
;
DROP TABLE elig_customer_rows
