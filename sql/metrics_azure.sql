-- Azure areas: net customer adds, usage growth, deployments, and the SMB/enterprise classification.
-- Coverage is a 24-bit mask per (association set, partner, tenant): bit i is month S-23+i. Usage
-- rows are joined to it once, so an association is never expanded into months and a tenant reached
-- through several associations counts once.
CREATE OR REPLACE MACRO month_idx(m, s23) AS datediff('month', s23, m)
;
CREATE OR REPLACE MACRO has_bit(mask, i) AS ((mask >> greatest(0, least(i, 63))) & 1) = 1 AND i BETWEEN 0 AND 23
;
CREATE OR REPLACE TABLE az_cov_wl AS
SELECT k.set_key, a.partner_key, a.tenant_key, a.workload, bit_or(a.mask) AS mask
FROM assoc_mask a
JOIN rb_assoc_set_type k ON k.association_type = a.association_type
WHERE k.set_key IN (SELECT set_key FROM rb_assoc_set WHERE family IN ('azure', 'security') AND part IN ('', 'azure'))
GROUP BY ALL
;
-- Per tenant: months covered by all-service associations, and by any association (tenant coverage).
CREATE OR REPLACE TABLE az_cov_t AS
SELECT set_key, partner_key, tenant_key,
    coalesce(bit_or(mask) FILTER (WHERE workload IS NULL), 0) AS mask_all,
    bit_or(mask) AS mask_any
FROM az_cov_wl GROUP BY ALL
;
-- Growth base index: S-12 (11) when covered then, else the first covered month after S-12.
CREATE OR REPLACE TABLE az_cov_t AS
SELECT *, has_bit(mask_any, 23) AS cov_s, has_bit(mask_any, 11) AS cov_s12,
    CASE WHEN has_bit(mask_any, 11) THEN 11
         ELSE list_min(list_filter(range(12, 24), i -> has_bit(mask_any, i))) END AS base_idx
FROM az_cov_t
;
-- One pass over the usage rows, two groupings: attributed ACR per (set, partner, tenant) for the
-- months the metrics read, and per (set, partner, service) over S-11..S for deployments. The
-- Security sets only need security services.
CREATE OR REPLACE TABLE az_sets AS
SELECT set_key, bool_or(family = 'azure') AS azure, bool_or(family = 'security') AS security FROM rb_assoc_set
WHERE family IN ('azure', 'security') AND part IN ('', 'azure') GROUP BY ALL
;
CREATE OR REPLACE TABLE az_grouped AS
WITH u AS (
    -- Azure sets read S-13..S (net adds, growth base, deployments); Security sets read security
    -- services over the whole window (trailing twelve months and the twelve before).
    SELECT u.*, month_idx(u.month, p.s23) AS i, false AS sec_only
    FROM azure_consumption u CROSS JOIN params p
    WHERE u.month >= p.s13
    UNION ALL
    SELECT u.*, month_idx(u.month, p.s23) AS i, true AS sec_only
    FROM azure_consumption u CROSS JOIN params p
    WHERE u.service IN (SELECT name FROM rb_service WHERE security)
),
j AS (
    SELECT c.set_key, c.partner_key, c.tenant_key, c.base_idx, u.service, u.acr, u.i, u.sec_only
    FROM u
    JOIN az_cov_t c ON c.tenant_key = u.tenant_key
    JOIN az_sets k ON k.set_key = c.set_key AND CASE WHEN u.sec_only THEN k.security ELSE k.azure END
    LEFT JOIN az_cov_wl w ON w.workload = u.service AND w.set_key = c.set_key AND w.partner_key = c.partner_key
        AND w.tenant_key = c.tenant_key
    WHERE has_bit(c.mask_all | coalesce(w.mask, 0), u.i)
)
SELECT set_key, partner_key, tenant_key, service, GROUPING(service) = 1 AS per_tenant,
    coalesce(sum(acr) FILTER (WHERE NOT sec_only AND i = 23), 0) AS acr_s,
    coalesce(sum(acr) FILTER (WHERE NOT sec_only AND i = 22), 0) AS acr_s1,
    coalesce(sum(acr) FILTER (WHERE NOT sec_only AND i = 11), 0) AS acr_s12,
    coalesce(sum(acr) FILTER (WHERE NOT sec_only AND i = 10), 0) AS acr_s13,
    coalesce(sum(acr) FILTER (WHERE NOT sec_only AND i = base_idx), 0) AS acr_base,
    coalesce(sum(acr) FILTER (WHERE sec_only AND i = 23), 0) AS sec_s,
    coalesce(sum(acr) FILTER (WHERE sec_only AND i = base_idx), 0) AS sec_base,
    coalesce(sum(acr) FILTER (WHERE sec_only AND i >= 12), 0) AS sec_ttm,
    coalesce(sum(acr) FILTER (WHERE sec_only AND i <= 11), 0) AS sec_prev_ttm,
    coalesce(sum(acr) FILTER (WHERE NOT sec_only AND i >= 12), 0) AS acr_ttm
FROM j
GROUP BY GROUPING SETS ((set_key, partner_key, tenant_key), (set_key, partner_key, service))
;
CREATE OR REPLACE TABLE az_pt AS
SELECT set_key, partner_key, tenant_key, acr_s, acr_s1, acr_s12, acr_s13, acr_base,
    sec_s, sec_base, sec_ttm, sec_prev_ttm
FROM az_grouped WHERE per_tenant
;
CREATE OR REPLACE TABLE az_services AS
SELECT g.set_key, g.partner_key, g.service, g.acr_ttm
FROM az_grouped g JOIN az_sets k ON k.set_key = g.set_key AND k.azure
WHERE NOT g.per_tenant
;
-- Net customer adds: tenants meeting the floor in S or S-1, minus those meeting it in S-12 or S-13.
INSERT INTO measures
SELECT m.solution_area, m.track, m.metric, t.partner_key,
    count(*) FILTER (WHERE t.acr_s >= m.acr_floor OR t.acr_s1 >= m.acr_floor)
  - count(*) FILTER (WHERE t.acr_s12 >= m.acr_floor OR t.acr_s13 >= m.acr_floor) AS value,
    true, NULL,
    json_object('tenants_now', count(*) FILTER (WHERE t.acr_s >= m.acr_floor OR t.acr_s1 >= m.acr_floor),
                'tenants_base', count(*) FILTER (WHERE t.acr_s12 >= m.acr_floor OR t.acr_s13 >= m.acr_floor),
                'acr_floor_usd', m.acr_floor)::VARCHAR
FROM rb_metric m
JOIN rb_area a ON a.solution_area = m.solution_area AND a.family = 'azure'
JOIN rb_assoc_set k ON k.solution_area = m.solution_area AND k.track = m.track AND k.metric = m.metric
JOIN az_pt t ON t.set_key = k.set_key
WHERE m.metric = 'net_customer_adds' AND m.applicable
GROUP BY m.solution_area, m.track, m.metric, t.partner_key, m.acr_floor
;
-- Usage growth: % growth of attributed ACR, S against the growth base, over tenants covered in S
-- or S-12 (a tenant covered but without usage adds 0 to both sums); 0 points below the base minimum.
INSERT INTO measures
WITH g AS (
    SELECT c.set_key, c.partner_key,
        sum(CASE WHEN c.cov_s THEN coalesce(t.acr_s, 0) ELSE 0 END) AS acr_now,
        sum(coalesce(t.acr_base, 0)) AS acr_base, count(*) AS tenants
    FROM az_cov_t c
    LEFT JOIN az_pt t ON t.set_key = c.set_key AND t.partner_key = c.partner_key AND t.tenant_key = c.tenant_key
    WHERE c.cov_s OR c.cov_s12
    GROUP BY ALL
)
SELECT m.solution_area, m.track, m.metric, g.partner_key,
    CASE WHEN g.acr_base > 0 THEN (g.acr_now - g.acr_base) * 100 / g.acr_base END AS value,
    g.acr_base >= m.base_minimum, NULL,
    json_object('acr_now', round(g.acr_now, 2), 'acr_base', round(g.acr_base, 2), 'tenants', g.tenants,
                'base_minimum_usd', m.base_minimum, 'base_minimum_met', g.acr_base >= m.base_minimum)::VARCHAR
FROM rb_metric m
JOIN rb_area a ON a.solution_area = m.solution_area AND a.family = 'azure'
JOIN rb_assoc_set k ON k.solution_area = m.solution_area AND k.track = m.track AND k.metric = m.metric
JOIN g ON g.set_key = k.set_key
WHERE m.metric = 'usage_growth' AND m.applicable
;
-- Deployments: distinct services (not excluded) with attributed ACR > 0 over S-11..S.
INSERT INTO measures
SELECT m.solution_area, m.track, m.metric, sv.partner_key, count(*) AS value, true, NULL,
    json_object('services', list(sv.service ORDER BY sv.service))::VARCHAR
FROM rb_metric m
JOIN rb_area a ON a.solution_area = m.solution_area AND a.family = 'azure'
JOIN rb_assoc_set k ON k.solution_area = m.solution_area AND k.track = m.track AND k.metric = m.metric
JOIN az_services sv ON sv.set_key = k.set_key
WHERE m.metric = 'deployments' AND m.applicable AND sv.acr_ttm > 0
  AND sv.service NOT IN (SELECT name FROM rb_service WHERE excluded_from_deployments)
GROUP BY ALL
;
-- Classification: smb when at least the share of customers in S (attributed ACR > 0) are smb.
CREATE OR REPLACE TABLE az_track AS
WITH k AS (
    SELECT DISTINCT a.solution_area, a.smb_customer_share_min, s.set_key
    FROM rb_area a JOIN rb_assoc_set s ON s.solution_area = a.solution_area AND s.metric = 'net_customer_adds' AND s.track = 'enterprise'
    WHERE a.track_selection = 'azure_classification'
),
c AS (
    SELECT k.solution_area, k.smb_customer_share_min, t.partner_key,
        count(*) AS customers, count(*) FILTER (WHERE tn.segment = 'smb') AS smb_customers
    FROM k JOIN az_pt t ON t.set_key = k.set_key JOIN tenants tn ON tn.tenant_key = t.tenant_key
    WHERE t.acr_s > 0
    GROUP BY ALL
)
SELECT solution_area, partner_key, customers, smb_customers,
    CASE WHEN smb_customers::DOUBLE / customers >= smb_customer_share_min - 1e-9 THEN 'smb' ELSE 'enterprise' END AS track
FROM c
