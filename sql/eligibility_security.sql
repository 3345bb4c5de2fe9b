-- Security: each metric has an Azure part (security services, trailing twelve months, from
-- sec_az_tenant / az_pt) and a Microsoft 365 part (security workloads in the licence band, from
-- m365_pmask and m365_elig); part says which. Usage growth rows carry the component name.
-- Microsoft 365 coverage per tenant and metric (security workloads).
CREATE OR REPLACE TEMP TABLE elig_sec_m365 AS
SELECT m.solution_area, m.track, m.metric, m.band_key, m.m365_set AS set_key, c.partner_key, c.tenant_key, bit_or(c.mask) AS mask
FROM sec_metric m
JOIN m365_pmask c ON c.set_key = m.m365_set
JOIN rb_m365_workload w ON w.name = c.workload AND w.set_name = 'security'
WHERE m.band_key IS NOT NULL AND m.metric IN ('net_customer_adds', 'deployments')
GROUP BY ALL
;
-- Net customer adds, Azure part: TTM security ACR >= the minimum, current TTM and previous TTM.
INSERT INTO customer_eligibility
SELECT m.solution_area, m.track, m.metric, 'azure', t.set_key, t.partner_key, t.tenant_key, '',
    json_object('security_acr_ttm', round(t.ttm, 2), 'security_acr_prev_ttm', round(t.prev_ttm, 2), 'ttm_min_usd', m.ttm_min)::VARCHAR,
    true,
    t.ttm >= m.ttm_min, CASE WHEN t.ttm < m.ttm_min THEN rc('below_floor') END,
    t.prev_ttm >= m.ttm_min, CASE WHEN t.prev_ttm < m.ttm_min THEN rc('below_floor') END,
    (t.ttm >= m.ttm_min)::INTEGER, (t.prev_ttm >= m.ttm_min)::INTEGER,
    (t.ttm >= m.ttm_min)::INTEGER - (t.prev_ttm >= m.ttm_min)::INTEGER
FROM sec_metric m JOIN sec_az_tenant t ON t.set_key = m.az_set
WHERE m.metric = 'net_customer_adds'
;
-- Net customer adds, Microsoft 365 part: in the band and covered in at least one month of the TTM
-- (now) or of the previous TTM (base).
INSERT INTO customer_eligibility
WITH e AS (
    SELECT x.solution_area, x.track, x.metric, x.partner_key, x.tenant_key,
        count(DISTINCT x.month) FILTER (WHERE x.month BETWEEN p.s11 AND p.s) AS months_now,
        count(DISTINCT x.month) FILTER (WHERE x.month BETWEEN p.s23 AND p.s12) AS months_base
    FROM sec_m365_tenant x CROSS JOIN params p
    WHERE x.metric = 'net_customer_adds'
    GROUP BY ALL
),
y AS (
    SELECT t.*, coalesce(e.months_now, 0) AS months_now, coalesce(e.months_base, 0) AS months_base,
        (t.mask >> 12) & 4095 <> 0 AS cov_now, t.mask & 4095 <> 0 AS cov_base
    FROM elig_sec_m365 t
    LEFT JOIN e ON e.solution_area = t.solution_area AND e.track = t.track AND e.metric = t.metric
        AND e.partner_key = t.partner_key AND e.tenant_key = t.tenant_key
    WHERE t.metric = 'net_customer_adds'
)
SELECT solution_area, track, metric, 'm365', set_key, partner_key, tenant_key, '',
    json_object('months_in_band_ttm', months_now, 'months_in_band_prev_ttm', months_base)::VARCHAR,
    true,
    months_now > 0, CASE WHEN months_now > 0 THEN NULL WHEN NOT cov_now THEN rc('association_not_active') ELSE rc('outside_licence_band') END,
    months_base > 0, CASE WHEN months_base > 0 THEN NULL WHEN NOT cov_base THEN rc('association_not_active') ELSE rc('outside_licence_band') END,
    (months_now > 0)::INTEGER, (months_base > 0)::INTEGER, (months_now > 0)::INTEGER - (months_base > 0)::INTEGER
FROM y
;
-- Deployments, Azure part: TTM security ACR in the band, TTM ending S against TTM ending S-12.
INSERT INTO customer_eligibility
WITH y AS (
    SELECT m.solution_area, m.track, m.metric, t.set_key, t.partner_key, t.tenant_key, t.ttm, t.prev_ttm,
        in_band(t.ttm, m.ttm_lo, m.ttm_lo_excl, m.ttm_hi, m.ttm_hi_excl) AS now_ok,
        in_band(t.prev_ttm, m.ttm_lo, m.ttm_lo_excl, m.ttm_hi, m.ttm_hi_excl) AS base_ok,
        m.ttm_lo, m.ttm_hi
    FROM sec_metric m JOIN sec_az_tenant t ON t.set_key = m.az_set
    WHERE m.metric = 'deployments'
)
SELECT solution_area, track, metric, 'azure', set_key, partner_key, tenant_key, '',
    json_object('security_acr_ttm', round(ttm, 2), 'security_acr_prev_ttm', round(prev_ttm, 2),
        'ttm_band_lo_usd', ttm_lo, 'ttm_band_hi_usd', ttm_hi)::VARCHAR,
    true,
    now_ok, CASE WHEN NOT now_ok THEN rc('outside_acr_band') END,
    base_ok, CASE WHEN NOT base_ok THEN rc('outside_acr_band') END,
    now_ok::INTEGER, base_ok::INTEGER, now_ok::INTEGER - base_ok::INTEGER
FROM y
;
-- Deployments, Microsoft 365 part: in the band and covered in S (S-12), with active users >= the
-- share of paid licences over the covered security workloads (sec_m365_share, metrics_security.sql).
INSERT INTO customer_eligibility
WITH y AS (
    SELECT t.*, m.active_share_min AS share, has_bit(t.mask, 23) AS cov_s, has_bit(t.mask, 11) AS cov_s12,
        en.tenant_key IS NOT NULL AS elig_s, eb.tenant_key IS NOT NULL AS elig_s12,
        sn.active AS active_s, sn.paid AS paid_s, sb.active AS active_s12, sb.paid AS paid_s12
    FROM elig_sec_m365 t
    JOIN sec_metric m ON m.solution_area = t.solution_area AND m.track = t.track AND m.metric = t.metric
    CROSS JOIN params p
    LEFT JOIN sec_m365_tenant en ON en.solution_area = t.solution_area AND en.track = t.track AND en.metric = t.metric
        AND en.partner_key = t.partner_key AND en.tenant_key = t.tenant_key AND en.month = p.s
    LEFT JOIN sec_m365_tenant eb ON eb.solution_area = t.solution_area AND eb.track = t.track AND eb.metric = t.metric
        AND eb.partner_key = t.partner_key AND eb.tenant_key = t.tenant_key AND eb.month = p.s12
    LEFT JOIN sec_m365_share sn ON sn.solution_area = t.solution_area AND sn.track = t.track AND sn.metric = t.metric
        AND sn.partner_key = t.partner_key AND sn.tenant_key = t.tenant_key AND sn.month = p.s
    LEFT JOIN sec_m365_share sb ON sb.solution_area = t.solution_area AND sb.track = t.track AND sb.metric = t.metric
        AND sb.partner_key = t.partner_key AND sb.tenant_key = t.tenant_key AND sb.month = p.s12
    WHERE t.metric = 'deployments'
),
z AS (
    SELECT *, elig_s AND coalesce(active_s >= share * paid_s AND paid_s > 0, false) AS now_ok,
        elig_s12 AND coalesce(active_s12 >= share * paid_s12 AND paid_s12 > 0, false) AS base_ok
    FROM y
)
SELECT solution_area, track, metric, 'm365', set_key, partner_key, tenant_key, '',
    json_object('active_users_s', active_s, 'paid_licenses_s', paid_s, 'active_users_s12', active_s12,
        'paid_licenses_s12', paid_s12, 'active_share_min', share)::VARCHAR,
    true,
    now_ok,
    CASE WHEN now_ok THEN NULL WHEN NOT cov_s THEN rc('association_not_active') WHEN NOT elig_s THEN rc('outside_licence_band')
         ELSE rc('below_active_share') END,
    base_ok,
    CASE WHEN base_ok THEN NULL WHEN NOT cov_s12 THEN rc('association_not_active') WHEN NOT elig_s12 THEN rc('outside_licence_band')
         ELSE rc('below_active_share') END,
    now_ok::INTEGER, base_ok::INTEGER, now_ok::INTEGER - base_ok::INTEGER
FROM z
;
-- Usage growth, Azure component: tenants whose TTM security ACR is in the component's band and
-- covered in S or S-12; now = security ACR in S when covered then, base = in the base month.
INSERT INTO customer_eligibility
WITH y AS (
    SELECT comp.solution_area, comp.track, comp.metric, comp.component, t.set_key, t.partner_key, t.tenant_key, t.ttm,
        comp.ttm_lo, comp.ttm_hi, c.cov_s, c.cov_s12, x.sec_s, x.sec_base,
        in_band(t.ttm, comp.ttm_lo, comp.ttm_lo_excl, comp.ttm_hi, comp.ttm_hi_excl) AS band_ok
    FROM sec_component comp
    JOIN sec_az_tenant t ON t.set_key = comp.az_set
    JOIN az_cov_t c ON c.set_key = t.set_key AND c.partner_key = t.partner_key AND c.tenant_key = t.tenant_key
    JOIN az_pt x ON x.set_key = t.set_key AND x.partner_key = t.partner_key AND x.tenant_key = t.tenant_key
    WHERE comp.component = 'azure_security_acr_growth'
),
z AS (
    SELECT *, band_ok AND (cov_s OR cov_s12) AS in_g FROM y
)
SELECT solution_area, track, metric, component, set_key, partner_key, tenant_key, '',
    json_object('security_acr_s', round(sec_s, 2), 'security_acr_base', round(sec_base, 2), 'security_acr_ttm', round(ttm, 2),
        'ttm_band_lo_usd', ttm_lo, 'ttm_band_hi_usd', ttm_hi)::VARCHAR,
    unnest(growth_row(in_g, cov_s,
        CASE WHEN NOT band_ok THEN rc('outside_acr_band') ELSE rc('association_not_active') END,
        CASE WHEN NOT band_ok THEN rc('outside_acr_band') ELSE rc('association_not_active') END,
        sec_s, sec_base))
FROM z
;
-- Usage growth, Microsoft 365 component: pairs (tenant, security workload) of tenants in the
-- component's band in S, covered in S or S-12; protected users = least(active users, paid licences).
INSERT INTO customer_eligibility
WITH x AS (
    SELECT comp.solution_area, comp.track, comp.metric, comp.component, comp.m365_set AS set_key,
        c.partner_key, c.tenant_key, c.workload,
        has_bit(c.mask, 23) AS cov_s, in_growth_set(c.mask) AS cov_g,
        e.tenant_key IS NOT NULL AS elig_s,
        growth_base_month(p.s23, c.mask) AS base_month
    FROM sec_component comp
    JOIN m365_pmask c ON c.set_key = comp.m365_set
    JOIN rb_m365_workload w ON w.name = c.workload AND w.set_name = 'security'
    CROSS JOIN params p
    LEFT JOIN (SELECT * FROM m365_elig WHERE month = (SELECT s FROM params)) e
        ON e.band_key = comp.comp_band AND e.tenant_key = c.tenant_key
    WHERE comp.component = 'm365_protected_users_growth'
),
v AS (
    SELECT x.*, x.elig_s AND x.cov_g AS in_g,
        least(cur.active_users, cur.paid_licenses) AS protected_s, least(bu.active_users, bu.paid_licenses) AS protected_base
    FROM x
    LEFT JOIN (SELECT * FROM m365_usage WHERE month = (SELECT s FROM params)) cur
        ON cur.tenant_key = x.tenant_key AND cur.workload = x.workload
    -- base_month is NULL outside the growth base set: no match.
    LEFT JOIN m365_usage_recent bu ON bu.tenant_key = x.tenant_key AND bu.workload = x.workload AND bu.month = x.base_month
    WHERE cur.tenant_key IS NOT NULL OR bu.tenant_key IS NOT NULL OR (x.elig_s AND x.cov_g)
)
SELECT solution_area, track, metric, component, set_key, partner_key, tenant_key, workload,
    json_object('protected_users_s', protected_s, 'protected_users_base', protected_base,
        'base_month', strftime(base_month, '%Y-%m'),
        'in_band_s', elig_s)::VARCHAR,
    unnest(growth_row(in_g, cov_s,
        CASE WHEN NOT elig_s THEN rc('outside_licence_band') ELSE rc('association_not_active') END,
        CASE WHEN NOT elig_s THEN rc('outside_licence_band') ELSE rc('association_not_active') END,
        protected_s, protected_base))
FROM v
