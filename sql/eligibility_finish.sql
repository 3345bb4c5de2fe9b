-- The association types that reach each tenant (for the row's workload or service, or every
-- workload) through the metric's accepted types and are active in some month of the window
-- S-23..S, as bit masks: one bit per association type the customer metrics accept, so that a row's
-- types are (its tenant's types for every workload | those for its workload) & its set's types,
-- integers joined on equality keys, and the published string is looked up once per mask.
-- export_customer_eligibility joins them to the rows. (Lists per (set, partner, tenant) were
-- 12M groups at `large` and spilled to disk; there are about 2.4M (partner, tenant) pairs.)
-- The rubric lists at most 64 types (rubric.MaxAssociationTypes), so every bit fits.
CREATE OR REPLACE TABLE elig_type_bit AS
SELECT association_type, 1::UBIGINT << (row_number() OVER (ORDER BY association_type) - 1)::UBIGINT AS bit
FROM (SELECT DISTINCT association_type FROM rb_assoc_set_type WHERE set_key IN (SELECT set_key FROM elig_metric_set))
;
-- Each association set's types.
CREATE OR REPLACE TABLE elig_set_mask AS
SELECT k.set_key, bit_or(b.bit) AS mask
FROM rb_assoc_set_type k JOIN elig_type_bit b ON b.association_type = k.association_type
WHERE k.set_key IN (SELECT set_key FROM elig_metric_set)
GROUP BY k.set_key
;
-- The associations active in some month of S-23..S, each with its type's bit (workload NULL: for
-- every workload).
CREATE OR REPLACE TEMP VIEW elig_active_bits AS
SELECT a.partner_key, a.tenant_key, a.workload, b.bit
FROM associations a
JOIN elig_type_bit b ON b.association_type = a.association_type
CROSS JOIN params p
WHERE a.start_date <= last_day(p.s) AND (a.end_date IS NULL OR a.end_date >= p.s23)
;
-- Per (partner, tenant): the types for every workload (all_mask) and of those for one workload,
-- any workload (wl_mask: a row without a workload lists them).
CREATE OR REPLACE TABLE elig_types AS
SELECT partner_key, tenant_key,
    coalesce(bit_or(bit) FILTER (WHERE workload IS NULL), 0) AS all_mask,
    coalesce(bit_or(bit) FILTER (WHERE workload IS NOT NULL), 0) AS wl_mask
FROM elig_active_bits GROUP BY ALL
;
-- Per (partner, tenant, workload): the types for that one workload.
CREATE OR REPLACE TABLE elig_types_wl AS
SELECT partner_key, tenant_key, workload, bit_or(bit) AS mask
FROM elig_active_bits WHERE workload IS NOT NULL GROUP BY ALL
;
-- The published string of every mask a row can have: the types sorted and joined by commas, ''
-- for none.
CREATE OR REPLACE TABLE elig_type_names AS
WITH u AS (
    SELECT all_mask | wl_mask AS m FROM elig_types
    UNION SELECT all_mask FROM elig_types
    UNION SELECT coalesce(ty.all_mask, 0) | tw.mask FROM elig_types_wl tw
        LEFT JOIN elig_types ty ON ty.partner_key = tw.partner_key AND ty.tenant_key = tw.tenant_key
),
-- 0: a tenant without an active association of an accepted type
m AS (SELECT DISTINCT u.m & s.mask AS mask FROM u CROSS JOIN elig_set_mask s UNION SELECT 0)
SELECT m.mask,
    coalesce(array_to_string(list_sort(list(b.association_type) FILTER (WHERE b.association_type IS NOT NULL)), ','), '') AS types
FROM m LEFT JOIN elig_type_bit b ON m.mask & b.bit <> 0
GROUP BY m.mask
