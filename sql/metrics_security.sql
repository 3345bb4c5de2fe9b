-- Security: Azure (security services, trailing twelve months) and Microsoft 365 (security workloads)
-- parts computed separately and added.
CREATE OR REPLACE TABLE sec_metric AS
SELECT m.*, b.band_key,
    (SELECT set_key FROM rb_assoc_set k WHERE k.solution_area = m.solution_area AND k.track = m.track AND k.metric = m.metric AND k.part = 'azure') AS az_set,
    (SELECT set_key FROM rb_assoc_set k WHERE k.solution_area = m.solution_area AND k.track = m.track AND k.metric = m.metric AND k.part = 'm365') AS m365_set
FROM rb_metric m JOIN rb_area a ON a.solution_area = m.solution_area AND a.family = 'security'
LEFT JOIN rb_band b ON b.band_name = band_name_of(a.family, m.lic_lo, m.lic_lo_excl, m.lic_hi, m.lic_hi_excl, m.sticky_smb)
WHERE m.applicable AND m.category <> 'skilling'
;
-- The components of usage growth, with the band of the Microsoft 365 component.
CREATE OR REPLACE TABLE sec_component AS
SELECT m.solution_area, m.track, m.metric, m.az_set, m.m365_set, m.max_points AS metric_max,
    c.* EXCLUDE (solution_area, track, metric), b.band_key AS comp_band
FROM sec_metric m
JOIN rb_component c ON c.solution_area = m.solution_area AND c.track = m.track AND c.metric = m.metric
LEFT JOIN rb_band b ON b.band_name = band_name_of('security', c.lic_lo, c.lic_lo_excl, c.lic_hi, c.lic_hi_excl, false)
WHERE m.metric = 'usage_growth'
;
-- Security ACR per tenant: TTM (S-11..S) and previous TTM (S-23..S-12), and the months S and S-12.
CREATE OR REPLACE TABLE sec_az_tenant AS
SELECT t.set_key, t.partner_key, t.tenant_key, t.sec_ttm AS ttm, t.sec_prev_ttm AS prev_ttm
FROM az_pt t
WHERE t.set_key IN (SELECT az_set FROM sec_metric)
;
-- Microsoft 365 tenants in band and covered for a security workload, per month.
CREATE OR REPLACE TABLE sec_m365_tenant AS
WITH t AS (
    SELECT m.solution_area, m.track, m.metric, m.band_key, c.partner_key, c.tenant_key, bit_or(c.mask) AS mask
    FROM sec_metric m
    JOIN m365_pmask c ON c.set_key = m.m365_set
    JOIN rb_m365_workload w ON w.name = c.workload AND w.set_name = 'security'
    WHERE m.band_key IS NOT NULL
    GROUP BY ALL
)
SELECT t.solution_area, t.track, t.metric, t.partner_key, t.tenant_key, e.month
FROM t CROSS JOIN params p
JOIN m365_elig e ON e.band_key = t.band_key AND e.tenant_key = t.tenant_key
WHERE has_bit(t.mask, month_idx(e.month, p.s23))
;
-- Deployments, Microsoft 365 part: per tenant in band in S (S-12), active users and paid licences
-- summed over the security workloads covered then, and the active share the metric asks for.
CREATE OR REPLACE TABLE sec_m365_share AS
SELECT x.solution_area, x.track, x.metric, x.partner_key, x.tenant_key, x.month,
    sum(a.active_users) AS active, sum(a.paid_licenses) AS paid, any_value(m.active_share_min) AS share_min
FROM sec_m365_tenant x
JOIN sec_metric m ON m.solution_area = x.solution_area AND m.track = x.track AND m.metric = x.metric
CROSS JOIN params p
JOIN m365_pmask c ON c.set_key = m.m365_set AND c.partner_key = x.partner_key AND c.tenant_key = x.tenant_key
    AND has_bit(c.mask, month_idx(x.month, p.s23))
JOIN rb_m365_workload w ON w.name = c.workload AND w.set_name = 'security'
JOIN (SELECT * FROM m365_usage WHERE month IN ((SELECT s FROM params), (SELECT s12 FROM params))) a
    ON a.tenant_key = c.tenant_key AND a.workload = c.workload AND a.month = x.month
WHERE x.metric = 'deployments' AND x.month IN (p.s, p.s12)
GROUP BY ALL
;
-- The counts of net customer adds and deployments per part (azure, m365): tenants now and at the base.
CREATE OR REPLACE TABLE sec_parts (solution_area VARCHAR, track VARCHAR, metric VARCHAR, partner_key INTEGER,
    part VARCHAR, now BIGINT, base BIGINT)
;
-- Net customer adds, Azure part: tenants with TTM security ACR >= the minimum, current TTM against
-- the previous TTM.
INSERT INTO sec_parts
SELECT m.solution_area, m.track, m.metric, t.partner_key, 'azure',
    count(*) FILTER (WHERE t.ttm >= m.ttm_min), count(*) FILTER (WHERE t.prev_ttm >= m.ttm_min)
FROM sec_metric m JOIN sec_az_tenant t ON t.set_key = m.az_set
WHERE m.metric = 'net_customer_adds'
GROUP BY ALL
;
-- Net customer adds, Microsoft 365 part: tenants in band in some month of the TTM, against the
-- previous TTM.
INSERT INTO sec_parts
SELECT x.solution_area, x.track, x.metric, x.partner_key, 'm365',
    count(DISTINCT x.tenant_key) FILTER (WHERE x.month BETWEEN p.s11 AND p.s),
    count(DISTINCT x.tenant_key) FILTER (WHERE x.month BETWEEN p.s23 AND p.s12)
FROM sec_m365_tenant x CROSS JOIN params p
WHERE x.metric = 'net_customer_adds'
GROUP BY ALL
;
-- Deployments, Azure part: tenants whose TTM is in the band, TTM ending S against ending S-12.
INSERT INTO sec_parts
SELECT m.solution_area, m.track, m.metric, t.partner_key, 'azure',
    count(*) FILTER (WHERE in_band(t.ttm, m.ttm_lo, m.ttm_lo_excl, m.ttm_hi, m.ttm_hi_excl)),
    count(*) FILTER (WHERE in_band(t.prev_ttm, m.ttm_lo, m.ttm_lo_excl, m.ttm_hi, m.ttm_hi_excl))
FROM sec_metric m JOIN sec_az_tenant t ON t.set_key = m.az_set
WHERE m.metric = 'deployments'
GROUP BY ALL
;
-- Deployments, Microsoft 365 part: tenants in band with the active share, S against S-12.
INSERT INTO sec_parts
SELECT solution_area, track, metric, partner_key, 'm365',
    count(*) FILTER (WHERE month = p.s AND active >= share_min * paid AND paid > 0),
    count(*) FILTER (WHERE month = p.s12 AND active >= share_min * paid AND paid > 0)
FROM sec_m365_share CROSS JOIN params p
GROUP BY ALL
;
-- Net customer adds and deployments: the Azure part plus the Microsoft 365 part, now minus base.
INSERT INTO measures
WITH j AS (
    SELECT solution_area, track, metric, partner_key,
        coalesce(sum(now) FILTER (WHERE part = 'azure'), 0)::BIGINT AS az_now,
        coalesce(sum(base) FILTER (WHERE part = 'azure'), 0)::BIGINT AS az_base,
        coalesce(sum(now) FILTER (WHERE part = 'm365'), 0)::BIGINT AS m365_now,
        coalesce(sum(base) FILTER (WHERE part = 'm365'), 0)::BIGINT AS m365_base
    FROM sec_parts
    GROUP BY ALL
)
SELECT solution_area, track, metric, partner_key, (az_now + m365_now) - (az_base + m365_base), true, NULL,
    json_object('azure_now', az_now, 'azure_base', az_base, 'm365_now', m365_now, 'm365_base', m365_base)::VARCHAR
FROM j
;
-- Usage growth: capped sum of an Azure security-ACR growth component and a Microsoft 365
-- protected-user growth component (protected users = least(active, paid) on security workloads).
INSERT INTO measures
WITH az AS (
    -- Growth base as for Azure usage growth: tenants covered in S or S-12.
    SELECT comp.solution_area, comp.track, comp.metric, comp.component, c.partner_key,
        sum(exact(CASE WHEN c.cov_s THEN coalesce(x.sec_s, 0) ELSE 0 END))::DOUBLE AS now, sum(exact(coalesce(x.sec_base, 0)))::DOUBLE AS base
    FROM sec_component comp
    JOIN sec_az_tenant t ON t.set_key = comp.az_set AND in_band(t.ttm, comp.ttm_lo, comp.ttm_lo_excl, comp.ttm_hi, comp.ttm_hi_excl)
    JOIN az_cov_t c ON c.set_key = t.set_key AND c.partner_key = t.partner_key AND c.tenant_key = t.tenant_key AND (c.cov_s OR c.cov_s12)
    JOIN az_pt x ON x.set_key = t.set_key AND x.partner_key = t.partner_key AND x.tenant_key = t.tenant_key
    WHERE comp.component = 'azure_security_acr_growth'
    GROUP BY ALL
),
ms_pairs AS (
    SELECT comp.solution_area, comp.track, comp.metric, comp.component, c.partner_key, c.tenant_key, c.workload,
        has_bit(c.mask, 23) AS cov_now, month_at(p.s23, base_idx(c.mask)) AS base_month
    FROM sec_component comp
    JOIN m365_pmask c ON c.set_key = comp.m365_set
    JOIN rb_m365_workload w ON w.name = c.workload AND w.set_name = 'security'
    CROSS JOIN params p
    JOIN (SELECT * FROM m365_elig WHERE month = (SELECT s FROM params)) e
        ON e.band_key = comp.comp_band AND e.tenant_key = c.tenant_key
    WHERE comp.component = 'm365_protected_users_growth' AND in_growth_set(c.mask)
),
ms AS (
    SELECT x.solution_area, x.track, x.metric, x.component, x.partner_key,
        sum(CASE WHEN x.cov_now THEN coalesce(least(cur.active_users, cur.paid_licenses), 0) ELSE 0 END) AS now,
        sum(coalesce(least(bu.active_users, bu.paid_licenses), 0)) AS base
    FROM ms_pairs x CROSS JOIN params p
    -- Usage narrowed to the months read (S; the base month is in S-12..S) before the joins.
    LEFT JOIN (SELECT * FROM m365_usage WHERE month = (SELECT s FROM params)) cur
        ON cur.tenant_key = x.tenant_key AND cur.workload = x.workload
    LEFT JOIN m365_usage_recent bu
        ON bu.tenant_key = x.tenant_key AND bu.workload = x.workload AND bu.month = x.base_month
    GROUP BY ALL
),
parts AS (
    SELECT * FROM az UNION ALL SELECT * FROM ms
),
scored AS (
    SELECT parts.*, comp.units_per_point, comp.max_points AS comp_max, comp.metric_max,
        round(least(comp.max_points, greatest(0, now - base) / comp.units_per_point), 2) AS comp_points
    FROM parts JOIN sec_component comp USING (solution_area, track, metric, component)
)
SELECT solution_area, track, metric, partner_key, sum(exact(comp_points))::DOUBLE AS value, true, sum(exact(comp_points))::DOUBLE AS points_raw,
    json_object('components', list_transform(list_sort(list({'k': component, 'v': json_object('component', component,
        'now', round(now, 2), 'base', round(base, 2), 'growth', round(now - base, 2), 'units_per_point', units_per_point,
        'points', comp_points)})), e -> e.v))::VARCHAR
FROM scored
GROUP BY ALL
