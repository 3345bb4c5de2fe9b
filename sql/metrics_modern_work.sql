-- Modern Work: net customer adds (eligible tenants), usage growth and deployments per association
-- option (best option wins).
CREATE OR REPLACE TABLE mw_metric AS
SELECT m.*, band_key_of(a.family, m.lic_lo, m.lic_lo_excl, m.lic_hi, m.lic_hi_excl, m.sticky_smb) AS band_key
FROM rb_metric m JOIN rb_area a ON a.solution_area = m.solution_area AND a.family = 'modern_work'
WHERE m.applicable AND m.category <> 'skilling'
;
-- Net customer adds: eligible tenants covered for a Modern Work workload, S minus S-12.
INSERT INTO measures
WITH cov AS (
    SELECT DISTINCT m.solution_area, m.track, m.metric, m.band_key, c.partner_key, c.tenant_key, c.month
    FROM mw_metric m
    JOIN rb_assoc_set k ON k.solution_area = m.solution_area AND k.track = m.track AND k.metric = m.metric
    JOIN m365_pcov c ON c.set_key = k.set_key
    JOIN rb_m365_workload w ON w.name = c.workload AND w.set_name = 'modern_work'
    CROSS JOIN params p
    WHERE m.metric = 'net_customer_adds' AND c.month IN (p.s, p.s12)
)
SELECT cov.solution_area, cov.track, cov.metric, cov.partner_key,
    count(*) FILTER (WHERE cov.month = p.s) - count(*) FILTER (WHERE cov.month = p.s12) AS value, true, NULL,
    json_object('tenants_now', count(*) FILTER (WHERE cov.month = p.s),
                'tenants_base', count(*) FILTER (WHERE cov.month = p.s12))::VARCHAR
FROM cov
JOIN m365_elig e ON e.band_key = cov.band_key AND e.tenant_key = cov.tenant_key AND e.month = cov.month
CROSS JOIN params p
GROUP BY ALL
;
-- Per option: customer-success pairs of tenants eligible in S.
CREATE OR REPLACE TABLE mw_opt_cov AS
SELECT m.solution_area, m.track, m.metric, o.option, o.option_order, o.threshold, m.max_points,
    m.active_share_min, m.band_key, c.partner_key, c.tenant_key, c.workload, c.month
FROM mw_metric m
JOIN rb_option o ON o.solution_area = m.solution_area AND o.track = m.track AND o.metric = m.metric
JOIN rb_assoc_set k ON k.solution_area = m.solution_area AND k.track = m.track AND k.metric = m.metric AND k.option = o.option
JOIN m365_pcov c ON c.set_key = k.set_key
JOIN rb_m365_workload w ON w.name = c.workload AND w.set_name = 'modern_work_customer_success'
CROSS JOIN params p
WHERE m.metric IN ('usage_growth', 'deployments') AND c.month BETWEEN p.s12 AND p.s
;
-- Usage growth per option: active users now minus the growth base, over pairs of tenants eligible in S.
CREATE OR REPLACE TABLE mw_ug_option AS
WITH base AS (
    SELECT c.solution_area, c.track, c.metric, c.option, c.option_order, c.threshold, c.max_points,
        c.partner_key, c.tenant_key, c.workload,
        bool_or(c.month = p.s) AS cov_now,
        CASE WHEN bool_or(c.month = p.s12) THEN any_value(p.s12) ELSE min(c.month) FILTER (WHERE c.month > p.s12) END AS base_month
    FROM mw_opt_cov c CROSS JOIN params p
    JOIN m365_elig e ON e.band_key = c.band_key AND e.tenant_key = c.tenant_key AND e.month = p.s
    WHERE c.metric = 'usage_growth'
    GROUP BY ALL
    HAVING bool_or(c.month = p.s) OR bool_or(c.month = p.s12)
)
SELECT b.solution_area, b.track, b.metric, b.option, b.option_order, b.threshold, b.max_points, b.partner_key,
    sum(CASE WHEN b.cov_now THEN coalesce(cur.active_users, 0) ELSE 0 END) AS users_now,
    sum(coalesce(bu.active_users, 0)) AS users_base
FROM base b CROSS JOIN params p
LEFT JOIN m365_usage cur ON cur.tenant_key = b.tenant_key AND cur.workload = b.workload AND cur.month = p.s
LEFT JOIN m365_usage bu ON bu.tenant_key = b.tenant_key AND bu.workload = b.workload AND bu.month = b.base_month
GROUP BY ALL
;
-- Deployments per option: tenants in band, covered, with >= the active share over covered workloads.
CREATE OR REPLACE TABLE mw_dep_tenant AS
SELECT c.solution_area, c.track, c.metric, c.option, c.option_order, c.threshold, c.max_points, c.partner_key, c.tenant_key, c.month,
    sum(u.active_users) AS active, sum(u.paid_licenses) AS paid,
    coalesce(sum(u.active_users) >= c.active_share_min * sum(u.paid_licenses) AND sum(u.paid_licenses) > 0, false) AS deployed,
    e.tenant_key IS NOT NULL AS eligible
FROM mw_opt_cov c
LEFT JOIN m365_usage u ON u.tenant_key = c.tenant_key AND u.workload = c.workload AND u.month = c.month
LEFT JOIN m365_elig e ON e.band_key = c.band_key AND e.tenant_key = c.tenant_key AND e.month = c.month
WHERE c.metric = 'deployments'
GROUP BY c.solution_area, c.track, c.metric, c.option, c.option_order, c.threshold, c.max_points, c.partner_key,
    c.tenant_key, c.month, c.active_share_min, e.tenant_key
;
CREATE OR REPLACE TABLE mw_dep_option AS
WITH t AS (
    SELECT d.*,
        min(d.month) OVER (PARTITION BY d.solution_area, d.track, d.option, d.partner_key, d.tenant_key) AS first_month
    FROM mw_dep_tenant d
),
f AS (
    -- Tenants first covered after S-12 that were already deployed in their first covered month.
    SELECT t.solution_area, t.track, t.option, t.partner_key, t.tenant_key
    FROM t CROSS JOIN params p
    WHERE t.first_month > p.s12 AND t.month = t.first_month AND t.deployed
)
SELECT t.solution_area, t.track, t.metric, t.option, t.option_order, t.threshold, t.max_points, t.partner_key,
    count(*) FILTER (WHERE t.month = p.s AND t.deployed AND t.eligible AND f.tenant_key IS NULL) AS deployments_now,
    count(*) FILTER (WHERE t.month = p.s12 AND t.deployed AND t.eligible) AS deployments_base,
    count(*) FILTER (WHERE t.month = p.s AND t.deployed AND t.eligible AND f.tenant_key IS NOT NULL) AS excluded_already_deployed
FROM t CROSS JOIN params p
LEFT JOIN f ON f.solution_area = t.solution_area AND f.track = t.track AND f.option = t.option
    AND f.partner_key = t.partner_key AND f.tenant_key = t.tenant_key
GROUP BY ALL
;
-- Best option: points per option, the highest wins (first listed on a tie).
INSERT INTO measures
WITH o AS (
    SELECT solution_area, track, metric, option, option_order, threshold, max_points, partner_key,
        users_now - users_base AS measure,
        json_object('option', option, 'users_now', users_now, 'users_base', users_base, 'threshold', threshold) AS part
    FROM mw_ug_option
    UNION ALL
    SELECT solution_area, track, metric, option, option_order, threshold, max_points, partner_key,
        deployments_now - deployments_base,
        json_object('option', option, 'deployments_now', deployments_now, 'deployments_base', deployments_base,
                    'excluded_already_deployed', excluded_already_deployed, 'threshold', threshold)
    FROM mw_dep_option
),
scored AS (
    SELECT *, round(max_points * least(1, greatest(0, measure) / threshold), 2) AS opt_points FROM o
)
SELECT solution_area, track, metric, partner_key,
    arg_max(measure, opt_points * 1000 - option_order) AS value, true,
    max(opt_points) AS points_raw,
    json_object('winner', arg_max(option, opt_points * 1000 - option_order),
                'options', list(json_merge_patch(part, json_object('measure', measure, 'points', opt_points)) ORDER BY option_order))::VARCHAR
FROM scored
GROUP BY ALL
