-- Azure areas: net customer adds, usage growth, deployments, and the SMB/enterprise classification.
-- Attributed ACR: usage of a covered tenant in a month, offers outside the excluded list, per service.
CREATE OR REPLACE VIEW az_usage AS
SELECT tenant_key, month, service, acr FROM azure_consumption
;
CREATE OR REPLACE TABLE az_cov AS
SELECT DISTINCT s.set_key, am.partner_key, am.tenant_key, am.month, am.workload
FROM assoc_month am
JOIN rb_assoc_set_type s ON s.association_type = am.association_type
WHERE s.set_key IN (SELECT set_key FROM rb_assoc_set WHERE family IN ('azure', 'security') AND part IN ('', 'azure'))
;
-- One row per (set, partner, tenant, month, service) however many associations cover it.
CREATE OR REPLACE TABLE az_attr AS
SELECT DISTINCT c.set_key, c.partner_key, u.tenant_key, u.month, u.service, u.acr
FROM az_usage u
JOIN az_cov c ON c.tenant_key = u.tenant_key AND c.month = u.month AND (c.workload IS NULL OR c.workload = u.service)
;
CREATE OR REPLACE TABLE az_tm AS
SELECT set_key, partner_key, tenant_key, month, sum(acr) AS acr,
    sum(acr) FILTER (WHERE service IN (SELECT name FROM rb_service WHERE security)) AS sec_acr
FROM az_attr GROUP BY ALL
;
-- Tenant-level coverage per month (a tenant is covered when any eligible association is active).
CREATE OR REPLACE TABLE az_cov_t AS
SELECT DISTINCT set_key, partner_key, tenant_key, month FROM az_cov
;
-- Growth base: tenants covered in S or S-12; base month S-12 when covered then, else the first
-- covered month after S-12.
CREATE OR REPLACE TABLE az_growth_base AS
SELECT c.set_key, c.partner_key, c.tenant_key,
    CASE WHEN bool_or(c.month = p.s12) THEN any_value(p.s12) ELSE min(c.month) FILTER (WHERE c.month > p.s12) END AS base_month
FROM az_cov_t c, params p
WHERE c.month BETWEEN p.s12 AND p.s
GROUP BY ALL
HAVING bool_or(c.month = p.s) OR bool_or(c.month = p.s12)
;
-- Net customer adds: tenants meeting the floor in S or S-1, minus those meeting it in S-12 or S-13.
INSERT INTO measures
SELECT m.solution_area, m.track, m.metric, t.partner_key,
    count(DISTINCT t.tenant_key) FILTER (WHERE t.month IN (p.s, p.s1) AND t.acr >= m.acr_floor)
  - count(DISTINCT t.tenant_key) FILTER (WHERE t.month IN (p.s12, p.s13) AND t.acr >= m.acr_floor) AS value,
    true, NULL,
    json_object('tenants_now', count(DISTINCT t.tenant_key) FILTER (WHERE t.month IN (p.s, p.s1) AND t.acr >= m.acr_floor),
                'tenants_base', count(DISTINCT t.tenant_key) FILTER (WHERE t.month IN (p.s12, p.s13) AND t.acr >= m.acr_floor),
                'acr_floor_usd', m.acr_floor)::VARCHAR
FROM rb_metric m
JOIN rb_area a ON a.solution_area = m.solution_area AND a.family = 'azure'
JOIN rb_assoc_set k ON k.solution_area = m.solution_area AND k.track = m.track AND k.metric = m.metric
JOIN az_tm t ON t.set_key = k.set_key
CROSS JOIN params p
WHERE m.metric = 'net_customer_adds' AND m.applicable AND t.month IN (p.s, p.s1, p.s12, p.s13)
GROUP BY m.solution_area, m.track, m.metric, t.partner_key, m.acr_floor
;
-- Usage growth: % growth of attributed ACR, S against the growth base; 0 points below the base minimum.
INSERT INTO measures
WITH g AS (
    SELECT b.set_key, b.partner_key,
        sum(coalesce(cur.acr, 0)) AS acr_now, sum(coalesce(base.acr, 0)) AS acr_base, count(*) AS tenants
    FROM az_growth_base b
    CROSS JOIN params p
    LEFT JOIN az_tm cur ON cur.set_key = b.set_key AND cur.partner_key = b.partner_key AND cur.tenant_key = b.tenant_key AND cur.month = p.s
    LEFT JOIN az_tm base ON base.set_key = b.set_key AND base.partner_key = b.partner_key AND base.tenant_key = b.tenant_key AND base.month = b.base_month
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
WITH sv AS (
    SELECT x.set_key, x.partner_key, x.service
    FROM az_attr x, params p
    WHERE x.month BETWEEN p.s11 AND p.s
      AND x.service NOT IN (SELECT name FROM rb_service WHERE excluded_from_deployments)
    GROUP BY ALL
    HAVING sum(x.acr) > 0
)
SELECT m.solution_area, m.track, m.metric, sv.partner_key, count(*) AS value, true, NULL,
    json_object('services', list(sv.service ORDER BY sv.service))::VARCHAR
FROM rb_metric m
JOIN rb_area a ON a.solution_area = m.solution_area AND a.family = 'azure'
JOIN rb_assoc_set k ON k.solution_area = m.solution_area AND k.track = m.track AND k.metric = m.metric
JOIN sv ON sv.set_key = k.set_key
WHERE m.metric = 'deployments' AND m.applicable
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
    FROM k JOIN az_tm t ON t.set_key = k.set_key JOIN tenants tn ON tn.tenant_key = t.tenant_key CROSS JOIN params p
    WHERE t.month = p.s AND t.acr > 0
    GROUP BY ALL
)
SELECT solution_area, partner_key, customers, smb_customers,
    CASE WHEN smb_customers::DOUBLE / customers >= smb_customer_share_min - 1e-9 THEN 'smb' ELSE 'enterprise' END AS track
FROM c
