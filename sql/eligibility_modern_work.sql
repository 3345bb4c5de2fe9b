-- Modern Work: tenants behind net customer adds, (tenant, workload) pairs behind usage growth and
-- tenants behind deployments, per association option (part = the option). Coverage and bands come
-- from m365_pmask, mw_opt_pairs and m365_elig (metrics_m365_common.sql, metrics_modern_work.sql).
-- Net customer adds: covered for a Modern Work workload and eligible (licence band) in S / S-12.
INSERT INTO customer_eligibility
WITH t AS (
    SELECT m.solution_area, m.track, m.metric, m.band_key, m.set_key, c.partner_key, c.tenant_key, bit_or(c.mask) AS mask
    FROM mw_metric m
    JOIN m365_pmask c ON c.set_key = m.set_key
    JOIN rb_m365_workload w ON w.name = c.workload AND w.set_name = 'modern_work'
    WHERE m.metric = 'net_customer_adds'
    GROUP BY ALL
),
u AS (
    SELECT u.tenant_key, max(u.paid_licenses) FILTER (WHERE u.month = p.s) AS paid_s,
        max(u.paid_licenses) FILTER (WHERE u.month = p.s12) AS paid_s12
    FROM m365_usage_recent u
    JOIN rb_m365_workload w ON w.name = u.workload AND w.set_name = 'modern_work'
    CROSS JOIN params p
    WHERE u.month IN (p.s, p.s12)
    GROUP BY u.tenant_key
),
x AS (
    SELECT t.*, u.paid_s, u.paid_s12, has_bit(t.mask, 23) AS cov_s, has_bit(t.mask, 11) AS cov_s12,
        es.tenant_key IS NOT NULL AS elig_s, eb.tenant_key IS NOT NULL AS elig_s12
    FROM t
    JOIN u ON u.tenant_key = t.tenant_key
    CROSS JOIN params p
    LEFT JOIN m365_elig_recent es ON es.band_key = t.band_key AND es.tenant_key = t.tenant_key AND es.month = p.s
    LEFT JOIN m365_elig_recent eb ON eb.band_key = t.band_key AND eb.tenant_key = t.tenant_key AND eb.month = p.s12
)
SELECT solution_area, track, metric, '', set_key, partner_key, tenant_key, '',
    json_object('max_paid_licenses_s', paid_s, 'max_paid_licenses_s12', paid_s12, 'in_band_s', elig_s, 'in_band_s12', elig_s12,
        'covered_s', cov_s, 'covered_s12', cov_s12)::VARCHAR,
    true,
    cov_s AND elig_s, CASE WHEN cov_s AND elig_s THEN NULL WHEN NOT elig_s THEN rc('outside_licence_band') ELSE rc('association_not_active') END,
    cov_s12 AND elig_s12, CASE WHEN cov_s12 AND elig_s12 THEN NULL WHEN NOT elig_s12 THEN rc('outside_licence_band') ELSE rc('association_not_active') END,
    (cov_s AND elig_s)::INTEGER, (cov_s12 AND elig_s12)::INTEGER, (cov_s AND elig_s)::INTEGER - (cov_s12 AND elig_s12)::INTEGER
FROM x
;
-- Usage growth per option: pairs of tenants eligible in S, covered by the option in S or S-12;
-- now = active users in S when covered then, base = active users in the base month.
INSERT INTO customer_eligibility
WITH x AS (
    SELECT c.solution_area, c.track, c.metric, c.option, c.set_key, c.partner_key, c.tenant_key, c.workload,
        has_bit(c.mask, 23) AS cov_s, in_growth_set(c.mask) AS cov_g,
        e.tenant_key IS NOT NULL AS elig_s,
        growth_base_month(p.s23, c.mask) AS base_month
    FROM mw_opt_pairs c
    CROSS JOIN params p
    LEFT JOIN (SELECT * FROM m365_elig WHERE month = (SELECT s FROM params)) e
        ON e.band_key = c.band_key AND e.tenant_key = c.tenant_key
    WHERE c.metric = 'usage_growth'
),
v AS (
    SELECT x.*, x.elig_s AND x.cov_g AS in_g, cur.active_users AS users_s, bu.active_users AS users_base
    FROM x
    LEFT JOIN (SELECT * FROM m365_usage WHERE month = (SELECT s FROM params)) cur
        ON cur.tenant_key = x.tenant_key AND cur.workload = x.workload
    -- base_month is NULL outside the growth base set: no match.
    LEFT JOIN m365_usage_recent bu ON bu.tenant_key = x.tenant_key AND bu.workload = x.workload AND bu.month = x.base_month
)
SELECT solution_area, track, metric, option, set_key, partner_key, tenant_key, workload,
    json_object('active_users_s', users_s, 'active_users_base', users_base,
        'base_month', strftime(base_month, '%Y-%m'),
        'in_band_s', elig_s)::VARCHAR,
    unnest(growth_row(in_g, cov_s,
        CASE WHEN NOT elig_s THEN rc('outside_licence_band') ELSE rc('association_not_active') END,
        CASE WHEN NOT elig_s THEN rc('outside_licence_band') ELSE rc('association_not_active') END,
        users_s, users_base))
FROM v
;
-- Deployments per option: per tenant, active users and paid licences summed over the option's
-- customer-success workloads covered in S, S-12 and the first covered month after S-12.
INSERT INTO customer_eligibility
WITH t AS (
    SELECT solution_area, track, metric, option, set_key, band_key, active_share_min, partner_key, tenant_key, bit_or(mask) AS tmask
    FROM mw_opt_pairs WHERE metric = 'deployments'
    GROUP BY ALL
),
f AS (
    SELECT *, first_bit(tmask, 11) AS first_idx FROM t
),
idx AS (
    SELECT f.* EXCLUDE (tmask), unnest(list_distinct([23, 11, first_idx])) AS i FROM f
),
s AS (
    SELECT x.solution_area, x.track, x.metric, x.option, x.partner_key, x.tenant_key, x.i,
        sum(u.active_users) AS active, sum(u.paid_licenses) AS paid
    FROM idx x
    CROSS JOIN params p
    JOIN mw_opt_pairs c ON c.metric = x.metric AND c.solution_area = x.solution_area AND c.track = x.track
        AND c.option = x.option AND c.partner_key = x.partner_key AND c.tenant_key = x.tenant_key AND has_bit(c.mask, x.i)
    LEFT JOIN m365_usage_recent u ON u.tenant_key = c.tenant_key AND u.workload = c.workload
        AND u.month = month_at(p.s23, x.i)
    GROUP BY ALL
),
y AS (
    SELECT f.solution_area, f.track, f.metric, f.option, f.set_key, f.partner_key, f.tenant_key, f.first_idx, f.active_share_min,
        sn.i IS NOT NULL AS cov_s, sb.i IS NOT NULL AS cov_s12,
        sn.active AS active_s, sn.paid AS paid_s, sb.active AS active_s12, sb.paid AS paid_s12,
        coalesce(sn.active >= f.active_share_min * sn.paid AND sn.paid > 0, false) AS dep_s,
        coalesce(sb.active >= f.active_share_min * sb.paid AND sb.paid > 0, false) AS dep_s12,
        f.first_idx > 11 AND coalesce(sf.active >= f.active_share_min * sf.paid AND sf.paid > 0, false) AS already,
        es.tenant_key IS NOT NULL AS elig_s, eb.tenant_key IS NOT NULL AS elig_s12, p.s23
    FROM f
    CROSS JOIN params p
    LEFT JOIN s sn ON sn.solution_area = f.solution_area AND sn.track = f.track AND sn.option = f.option
        AND sn.partner_key = f.partner_key AND sn.tenant_key = f.tenant_key AND sn.i = 23
    LEFT JOIN s sb ON sb.solution_area = f.solution_area AND sb.track = f.track AND sb.option = f.option
        AND sb.partner_key = f.partner_key AND sb.tenant_key = f.tenant_key AND sb.i = 11
    LEFT JOIN s sf ON sf.solution_area = f.solution_area AND sf.track = f.track AND sf.option = f.option
        AND sf.partner_key = f.partner_key AND sf.tenant_key = f.tenant_key AND sf.i = f.first_idx
    LEFT JOIN m365_elig_recent es ON es.band_key = f.band_key AND es.tenant_key = f.tenant_key AND es.month = p.s
    LEFT JOIN m365_elig_recent eb ON eb.band_key = f.band_key AND eb.tenant_key = f.tenant_key AND eb.month = p.s12
),
z AS (
    SELECT *, cov_s AND elig_s AND dep_s AND NOT already AS now_ok, cov_s12 AND elig_s12 AND dep_s12 AS base_ok FROM y
)
SELECT solution_area, track, metric, option, set_key, partner_key, tenant_key, '',
    json_object('active_users_s', active_s, 'paid_licenses_s', paid_s, 'active_users_s12', active_s12,
        'paid_licenses_s12', paid_s12, 'active_share_min', active_share_min, 'in_band_s', elig_s, 'in_band_s12', elig_s12,
        'first_covered_month', strftime(month_at(s23, first_idx), '%Y-%m'))::VARCHAR,
    true,
    now_ok,
    CASE WHEN now_ok THEN NULL WHEN NOT cov_s THEN rc('association_not_active') WHEN NOT elig_s THEN rc('outside_licence_band')
         WHEN NOT dep_s THEN rc('below_active_share') ELSE rc('already_deployed_when_associated') END,
    base_ok,
    CASE WHEN base_ok THEN NULL WHEN NOT cov_s12 THEN rc('association_not_active') WHEN NOT elig_s12 THEN rc('outside_licence_band')
         ELSE rc('below_active_share') END,
    now_ok::INTEGER, base_ok::INTEGER, now_ok::INTEGER - base_ok::INTEGER
FROM z
