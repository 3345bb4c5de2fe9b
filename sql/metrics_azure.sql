-- Azure areas: net customer adds, usage growth, deployments, and the SMB/enterprise classification.
-- Coverage is a 24-bit mask per (association set, partner, tenant): bit i is month S-23+i, so an
-- association is never expanded into months and a tenant reached through several associations
-- counts once. Usage is summed per tenant and month (and per tenant and service) before it is
-- matched to the masks; the few rows covered only by a single-service association go row by row.
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
    base_idx(mask_any) AS base_idx
FROM az_cov_t
;
CREATE OR REPLACE TABLE az_sets AS
SELECT set_key, bool_or(family = 'azure') AS azure, bool_or(family = 'security') AS security FROM rb_assoc_set
WHERE family IN ('azure', 'security') AND part IN ('', 'azure') GROUP BY ALL
;
-- Usage is summed per tenant and month before it meets the partners (usage rows are many, tenants
-- reached by several partners or sets would multiply them): i is the month index, sec the part on
-- security services.
CREATE OR REPLACE TABLE az_tm AS
WITH m AS (
    SELECT u.tenant_key, u.month, sum(exact(u.acr))::DOUBLE AS acr, (sum(exact(u.acr)) FILTER (WHERE s.security))::DOUBLE AS sec
    FROM azure_consumption u LEFT JOIN rb_service s ON s.name = u.service
    WHERE u.month BETWEEN (SELECT s23 FROM params) AND (SELECT s FROM params)
    GROUP BY u.tenant_key, u.month
)
SELECT tenant_key, month_idx(month, (SELECT s23 FROM params))::TINYINT AS i, acr, sec FROM m
;
-- Per tenant and service: the twelve monthly sums S-11..S (element k+1 is month S-11+k), for
-- deployments; fixed-size sums, so the grouping can spill.
CREATE OR REPLACE TABLE az_tenant_service AS
WITH u AS (
    SELECT u.tenant_key, u.service, u.acr, month_idx(u.month, (SELECT s23 FROM params)) AS i
    FROM azure_consumption u
    WHERE u.month BETWEEN (SELECT s11 FROM params) AND (SELECT s FROM params)
)
SELECT tenant_key, service,
    [
        coalesce(sum(exact(acr)) FILTER (WHERE i = 12), 0)::DOUBLE,
        coalesce(sum(exact(acr)) FILTER (WHERE i = 13), 0)::DOUBLE,
        coalesce(sum(exact(acr)) FILTER (WHERE i = 14), 0)::DOUBLE,
        coalesce(sum(exact(acr)) FILTER (WHERE i = 15), 0)::DOUBLE,
        coalesce(sum(exact(acr)) FILTER (WHERE i = 16), 0)::DOUBLE,
        coalesce(sum(exact(acr)) FILTER (WHERE i = 17), 0)::DOUBLE,
        coalesce(sum(exact(acr)) FILTER (WHERE i = 18), 0)::DOUBLE,
        coalesce(sum(exact(acr)) FILTER (WHERE i = 19), 0)::DOUBLE,
        coalesce(sum(exact(acr)) FILTER (WHERE i = 20), 0)::DOUBLE,
        coalesce(sum(exact(acr)) FILTER (WHERE i = 21), 0)::DOUBLE,
        coalesce(sum(exact(acr)) FILTER (WHERE i = 22), 0)::DOUBLE,
        coalesce(sum(exact(acr)) FILTER (WHERE i = 23), 0)::DOUBLE
    ] AS acr
FROM u GROUP BY tenant_key, service
;
-- Usage rows covered only through an association for their own service (a workload association),
-- in the months no all-service association of the same partner covers. Few rows: joined as rows.
CREATE OR REPLACE TABLE az_wl_rows AS
WITH r AS (
    -- The small join first: workload associations to their tenant's rows of that service.
    SELECT w.set_key, w.partner_key, w.tenant_key, w.mask, u.service, u.acr, u.month
    FROM (SELECT * FROM az_cov_wl WHERE workload IS NOT NULL) w
    JOIN azure_consumption u ON u.tenant_key = w.tenant_key AND u.service = w.workload
)
SELECT c.set_key, c.partner_key, c.tenant_key, c.base_idx, r.service, r.acr, month_idx(r.month, p.s23) AS i,
    coalesce(s.security, false) AS is_sec
FROM r
JOIN az_cov_t c ON c.set_key = r.set_key AND c.partner_key = r.partner_key AND c.tenant_key = r.tenant_key
CROSS JOIN params p
LEFT JOIN rb_service s ON s.name = r.service
WHERE r.month BETWEEN p.s23 AND p.s AND has_bit(r.mask & ~c.mask_all, month_idx(r.month, p.s23))
;
-- Attributed ACR per (set, partner, tenant). Azure sets read S-13..S (net adds, growth base);
-- Security sets read security services over the whole window (trailing twelve months and the twelve
-- before). A row exists when the partner's coverage meets at least one usage row it reads.
CREATE OR REPLACE TABLE az_pt AS
WITH r AS (
    -- Tenant-months covered by an all-service association of the partner ...
    SELECT c.set_key, c.partner_key, c.tenant_key, c.base_idx, k.azure, k.security, t.i, t.acr, t.sec
    FROM az_cov_t c
    JOIN az_sets k ON k.set_key = c.set_key
    JOIN az_tm t ON t.tenant_key = c.tenant_key
    WHERE has_bit(c.mask_all, t.i) AND ((k.azure AND t.i >= 10) OR (k.security AND t.sec IS NOT NULL))
    UNION ALL
    -- ... and the rows covered only by a single-service association.
    SELECT w.set_key, w.partner_key, w.tenant_key, w.base_idx, k.azure, k.security, w.i, w.acr,
        CASE WHEN w.is_sec THEN w.acr END
    FROM az_wl_rows w JOIN az_sets k ON k.set_key = w.set_key
    WHERE (k.azure AND w.i >= 10) OR (k.security AND w.is_sec)
)
SELECT set_key, partner_key, tenant_key,
    coalesce(sum(exact(acr)) FILTER (WHERE azure AND i = 23), 0)::DOUBLE AS acr_s,
    coalesce(sum(exact(acr)) FILTER (WHERE azure AND i = 22), 0)::DOUBLE AS acr_s1,
    coalesce(sum(exact(acr)) FILTER (WHERE azure AND i = 11), 0)::DOUBLE AS acr_s12,
    coalesce(sum(exact(acr)) FILTER (WHERE azure AND i = 10), 0)::DOUBLE AS acr_s13,
    coalesce(sum(exact(acr)) FILTER (WHERE azure AND i = base_idx), 0)::DOUBLE AS acr_base,
    coalesce(sum(exact(sec)) FILTER (WHERE security AND i = 23), 0)::DOUBLE AS sec_s,
    coalesce(sum(exact(sec)) FILTER (WHERE security AND i = base_idx), 0)::DOUBLE AS sec_base,
    coalesce(sum(exact(sec)) FILTER (WHERE security AND i >= 12), 0)::DOUBLE AS sec_ttm,
    coalesce(sum(exact(sec)) FILTER (WHERE security AND i <= 11), 0)::DOUBLE AS sec_prev_ttm
FROM r
GROUP BY set_key, partner_key, tenant_key
;
-- Attributed ACR per (Azure set, partner, service) over S-11..S, for deployments.
CREATE OR REPLACE TABLE az_services AS
SELECT set_key, partner_key, service, sum(exact(acr_ttm))::DOUBLE AS acr_ttm
FROM (
    SELECT c.set_key, c.partner_key, ts.service,
        CASE WHEN (c.mask_all >> 12) & 4095 = 4095 THEN list_sum(ts.acr)
             ELSE coalesce(list_sum(list_transform(range(12), j -> CASE WHEN has_bit(c.mask_all, j + 12) THEN ts.acr[j + 1] ELSE 0 END)), 0)
        END AS acr_ttm
    FROM az_cov_t c
    JOIN az_sets k ON k.set_key = c.set_key AND k.azure
    JOIN az_tenant_service ts ON ts.tenant_key = c.tenant_key
    WHERE (c.mask_all >> 12) & 4095 <> 0
    UNION ALL
    SELECT w.set_key, w.partner_key, w.service, w.acr
    FROM az_wl_rows w JOIN az_sets k ON k.set_key = w.set_key AND k.azure
    WHERE w.i >= 12
)
GROUP BY ALL
;
-- Net customer adds: tenants meeting the floor in S or S-1, minus those meeting it in S-12 or S-13.
INSERT INTO measures
WITH c AS (
    SELECT m.solution_area, m.track, m.metric, t.partner_key, m.acr_floor,
        count(*) FILTER (WHERE t.acr_s >= m.acr_floor OR t.acr_s1 >= m.acr_floor) AS now,
        count(*) FILTER (WHERE t.acr_s12 >= m.acr_floor OR t.acr_s13 >= m.acr_floor) AS base
    FROM metric_set m
    JOIN az_pt t ON t.set_key = m.set_key
    WHERE m.family = 'azure' AND m.metric = 'net_customer_adds'
    GROUP BY m.solution_area, m.track, m.metric, t.partner_key, m.acr_floor
)
SELECT solution_area, track, metric, partner_key,
    unnest(count_measure(now, base, 'tenants_now', 'tenants_base', 'acr_floor_usd', acr_floor))
FROM c
;
-- Usage growth: % growth of attributed ACR, S against the growth base, over tenants covered in S
-- or S-12 (a tenant covered but without usage adds 0 to both sums); 0 points below the base minimum.
-- The sums are kept (unrounded) in az_growth: the recommendation planner starts from them.
CREATE OR REPLACE TABLE az_growth AS
SELECT c.set_key, c.partner_key,
    sum(exact(CASE WHEN c.cov_s THEN coalesce(t.acr_s, 0) ELSE 0 END))::DOUBLE AS acr_now,
    sum(exact(coalesce(t.acr_base, 0)))::DOUBLE AS acr_base, count(*) AS tenants
FROM az_cov_t c
LEFT JOIN az_pt t ON t.set_key = c.set_key AND t.partner_key = c.partner_key AND t.tenant_key = c.tenant_key
WHERE c.cov_s OR c.cov_s12
GROUP BY ALL
;
INSERT INTO measures
SELECT m.solution_area, m.track, m.metric, g.partner_key,
    unnest(growth_measure(g.acr_now, g.acr_base, m.base_minimum, 'acr_now', 'acr_base', 'tenants', g.tenants, 'base_minimum_usd'))
FROM metric_set m
JOIN az_growth g ON g.set_key = m.set_key
WHERE m.family = 'azure' AND m.metric = 'usage_growth'
;
-- Deployments: distinct services (not excluded) with attributed ACR > 0 over S-11..S.
INSERT INTO measures
SELECT m.solution_area, m.track, m.metric, sv.partner_key, count(*) AS value, true, NULL,
    json_object('services', list_sort(list(sv.service)))::VARCHAR
FROM metric_set m
JOIN az_services sv ON sv.set_key = m.set_key
WHERE m.family = 'azure' AND m.metric = 'deployments' AND sv.acr_ttm > 0
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
