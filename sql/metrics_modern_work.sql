-- Modern Work: net customer adds (eligible tenants), usage growth and deployments per association
-- option (best option wins).
-- The Modern Work metrics, one row per association set they read (per option), with their band.
CREATE OR REPLACE TABLE mw_metric AS
SELECT m.*, b.band_key
FROM metric_set m
LEFT JOIN rb_band b ON b.band_name = band_name_of(m.family, m.lic_lo, m.lic_lo_excl, m.lic_hi, m.lic_hi_excl, m.sticky_smb)
WHERE m.family = 'modern_work' AND m.category <> 'skilling'
;
-- Net customer adds: eligible tenants covered for a Modern Work workload, S minus S-12.
INSERT INTO measures
WITH cov AS (
    SELECT DISTINCT m.solution_area, m.track, m.metric, m.band_key, c.partner_key, c.tenant_key, x.month
    FROM mw_metric m
    JOIN m365_pmask c ON c.set_key = m.set_key
    JOIN rb_m365_workload w ON w.name = c.workload AND w.set_name = 'modern_work'
    JOIN snap_months x ON has_bit(c.mask, x.i)
    WHERE m.metric = 'net_customer_adds'
)
SELECT cov.solution_area, cov.track, cov.metric, cov.partner_key,
    count(*) FILTER (WHERE cov.month = p.s) - count(*) FILTER (WHERE cov.month = p.s12) AS value, true, NULL,
    json_object('tenants_now', count(*) FILTER (WHERE cov.month = p.s),
                'tenants_base', count(*) FILTER (WHERE cov.month = p.s12))::VARCHAR
FROM cov
JOIN (SELECT * FROM m365_elig WHERE month IN ((SELECT s FROM params), (SELECT s12 FROM params))) e
    ON e.band_key = cov.band_key AND e.tenant_key = cov.tenant_key AND e.month = cov.month
CROSS JOIN params p
GROUP BY ALL
;
-- Per option: customer-success pairs covered at some month of S-12..S (bits 11..23).
CREATE OR REPLACE TABLE mw_opt_pairs AS
SELECT m.solution_area, m.track, m.metric, o.option, o.option_order, o.threshold, m.max_points,
    m.active_share_min, m.band_key, c.partner_key, c.tenant_key, c.workload, c.mask, m.set_key
FROM mw_metric m
JOIN rb_option o ON o.solution_area = m.solution_area AND o.track = m.track AND o.metric = m.metric AND o.option = m.option
JOIN m365_pmask c ON c.set_key = m.set_key
JOIN rb_m365_workload w ON w.name = c.workload AND w.set_name = 'modern_work_customer_success'
WHERE m.metric IN ('usage_growth', 'deployments') AND (c.mask >> 11) <> 0
;
-- Usage growth per option: active users now minus the growth base, over pairs of tenants eligible in S.
CREATE OR REPLACE TABLE mw_ug_option AS
WITH base AS (
    SELECT c.*, has_bit(c.mask, 23) AS cov_now, base_idx(c.mask) AS base_idx
    FROM mw_opt_pairs c CROSS JOIN params p
    JOIN (SELECT * FROM m365_elig WHERE month = (SELECT s FROM params)) e
        ON e.band_key = c.band_key AND e.tenant_key = c.tenant_key
    WHERE c.metric = 'usage_growth' AND in_growth_set(c.mask)
)
SELECT b.solution_area, b.track, b.metric, b.option, b.option_order, b.threshold, b.max_points, b.partner_key,
    sum(CASE WHEN b.cov_now THEN coalesce(cur.active_users, 0) ELSE 0 END) AS users_now,
    sum(coalesce(bu.active_users, 0)) AS users_base
FROM base b CROSS JOIN params p
-- The usage rows are narrowed to the months read before the joins (a filter on a constant, not on
-- a joined column, is applied while scanning).
LEFT JOIN (SELECT * FROM m365_usage WHERE month = (SELECT s FROM params)) cur
    ON cur.tenant_key = b.tenant_key AND cur.workload = b.workload
LEFT JOIN m365_usage_recent bu
    ON bu.tenant_key = b.tenant_key AND bu.workload = b.workload
    AND bu.month = month_at(p.s23, b.base_idx)
GROUP BY ALL
;
-- Deployments per option: per tenant, the months that matter (S, S-12, and its first covered month
-- after S-12), with the active share over the workloads covered in that month.
CREATE OR REPLACE TABLE mw_dep_tenant AS
WITH t AS (
    SELECT solution_area, track, metric, option, option_order, threshold, max_points, active_share_min, band_key,
        partner_key, tenant_key, bit_or(mask) AS tmask
    FROM mw_opt_pairs WHERE metric = 'deployments'
    GROUP BY ALL
),
f AS (
    SELECT *, first_bit(tmask, 11) AS first_idx FROM t
),
idx AS (
    SELECT DISTINCT f.* EXCLUDE (tmask), x.i
    FROM f, (SELECT unnest([23, 11, f.first_idx]) AS i) x
)
SELECT x.solution_area, x.track, x.metric, x.option, x.option_order, x.threshold, x.max_points,
    x.partner_key, x.tenant_key, x.i, x.first_idx,
    coalesce(sum(u.active_users) >= x.active_share_min * sum(u.paid_licenses) AND sum(u.paid_licenses) > 0, false) AS deployed,
    e.tenant_key IS NOT NULL AS eligible
FROM idx x
CROSS JOIN params p
JOIN mw_opt_pairs c ON c.metric = x.metric AND c.solution_area = x.solution_area AND c.track = x.track
    AND c.option = x.option AND c.partner_key = x.partner_key AND c.tenant_key = x.tenant_key AND has_bit(c.mask, x.i)
-- Months S-12..S only (i is 23, 11 or a first covered month after S-12).
LEFT JOIN m365_usage_recent u
    ON u.tenant_key = c.tenant_key AND u.workload = c.workload
    AND u.month = month_at(p.s23, x.i)
LEFT JOIN m365_elig_recent e
    ON e.band_key = x.band_key AND e.tenant_key = x.tenant_key
    AND e.month = month_at(p.s23, x.i)
GROUP BY x.solution_area, x.track, x.metric, x.option, x.option_order, x.threshold, x.max_points,
    x.partner_key, x.tenant_key, x.i, x.first_idx, x.active_share_min, e.tenant_key
;
-- Tenants first covered after S-12 that were already deployed in their first covered month do not
-- count in S.
CREATE OR REPLACE TABLE mw_dep_option AS
WITH ex AS (
    SELECT solution_area, track, option, partner_key, tenant_key
    FROM mw_dep_tenant WHERE first_idx > 11 AND i = first_idx AND deployed
)
SELECT t.solution_area, t.track, t.metric, t.option, t.option_order, t.threshold, t.max_points, t.partner_key,
    count(*) FILTER (WHERE t.i = 23 AND t.deployed AND t.eligible AND ex.tenant_key IS NULL) AS deployments_now,
    count(*) FILTER (WHERE t.i = 11 AND t.deployed AND t.eligible) AS deployments_base,
    count(*) FILTER (WHERE t.i = 23 AND t.deployed AND t.eligible AND ex.tenant_key IS NOT NULL) AS excluded_already_deployed
FROM mw_dep_tenant t
LEFT JOIN ex ON ex.solution_area = t.solution_area AND ex.track = t.track AND ex.option = t.option
    AND ex.partner_key = t.partner_key AND ex.tenant_key = t.tenant_key
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
                'options', list_transform(list_sort(list({'k': option_order,
                    'v': json_merge_patch(part, json_object('measure', measure, 'points', opt_points))})), e -> e.v))::VARCHAR
FROM scored
GROUP BY ALL
