-- customer_eligibility: the family rows with the association types that reach each tenant (for
-- the row's workload or service, or every workload) through the metric's accepted types and are
-- active in some month of the window S-23..S.
CREATE OR REPLACE TABLE elig_types AS
SELECT DISTINCT k.set_key, a.partner_key, a.tenant_key, a.workload, a.association_type
FROM associations a
JOIN rb_assoc_set_type k ON k.association_type = a.association_type
CROSS JOIN params p
WHERE a.start_date <= last_day(p.s) AND (a.end_date IS NULL OR a.end_date >= p.s23)
  AND k.set_key IN (SELECT set_key FROM elig_metric_set)
;
CREATE OR REPLACE TABLE customer_eligibility AS
WITH n AS (
    SELECT row_number() OVER () AS rid, * FROM elig_customer_rows
),
ty AS (
    SELECT n.rid, array_to_string(list_sort(list_distinct(list(t.association_type))), ',') AS association_types
    FROM n JOIN elig_types t ON t.set_key = n.set_key AND t.partner_key = n.partner_key AND t.tenant_key = n.tenant_key
        AND (t.workload IS NULL OR n.workload = '' OR t.workload = n.workload)
    GROUP BY n.rid
)
SELECT n.* EXCLUDE (rid), coalesce(ty.association_types, '') AS association_types
FROM n LEFT JOIN ty USING (rid)
;
DROP TABLE elig_customer_rows
