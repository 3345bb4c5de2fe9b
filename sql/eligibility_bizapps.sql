-- Business Applications: one row per (tenant, workload) pair reached through the metric's
-- association types (ba_pmask, metrics_bizapps.sql) with usage in a month the metric reads.
-- mask: months covered by the metric's types; mask_cs: by the types the workload's
-- customer-success group also accepts (usage growth and deployments count only those).
CREATE OR REPLACE TABLE elig_ba_metric AS
SELECT solution_area, track, metric, revenue_floor, mcv_floor, set_key FROM metric_set
WHERE family = 'business_applications' AND category <> 'skilling'
;
-- Usage of S and S-12 per pair, side by side.
CREATE OR REPLACE TEMP TABLE elig_ba_usage AS
SELECT u.tenant_key, u.workload,
    (sum(exact(u.revenue_usd)) FILTER (WHERE u.month = p.s))::DOUBLE AS rev_s,
    (sum(exact(u.revenue_usd)) FILTER (WHERE u.month = p.s12))::DOUBLE AS rev_s12,
    sum(u.active_users) FILTER (WHERE u.month = p.s) AS users_s, sum(u.active_users) FILTER (WHERE u.month = p.s12) AS users_s12
FROM bizapps_usage u CROSS JOIN params p
WHERE u.month IN (p.s, p.s12)
GROUP BY ALL
;
-- Net customer adds: pairs of net-customer-adds workloads with attributed revenue >= floor, S and S-12.
INSERT INTO customer_eligibility
WITH x AS (
    SELECT m.solution_area, m.track, m.metric, m.set_key, m.revenue_floor AS f, c.partner_key, c.tenant_key, c.workload,
        has_bit(c.mask, 23) AS cov_s, has_bit(c.mask, 11) AS cov_s12,
        coalesce(u.rev_s, 0) AS rev_s, coalesce(u.rev_s12, 0) AS rev_s12
    FROM elig_ba_metric m
    JOIN ba_pmask c ON c.set_key = m.set_key
    JOIN rb_bizapps_workload w ON w.name = c.workload AND w.net_customer_adds
    JOIN elig_ba_usage u ON u.tenant_key = c.tenant_key AND u.workload = c.workload
    WHERE m.metric = 'net_customer_adds'
),
y AS (
    SELECT *, cov_s AND rev_s >= f AS now_ok, cov_s12 AND rev_s12 >= f AS base_ok FROM x
)
SELECT solution_area, track, metric, '', set_key, partner_key, tenant_key, workload,
    json_object('revenue_s', round(rev_s, 2), 'revenue_s12', round(rev_s12, 2), 'revenue_floor_usd', f,
        'covered_s', cov_s, 'covered_s12', cov_s12)::VARCHAR,
    true,
    now_ok, CASE WHEN now_ok THEN NULL WHEN rev_s < f THEN rc('below_floor') ELSE rc('association_not_active') END,
    base_ok, CASE WHEN base_ok THEN NULL WHEN rev_s12 < f THEN rc('below_floor') ELSE rc('association_not_active') END,
    now_ok::INTEGER, base_ok::INTEGER, now_ok::INTEGER - base_ok::INTEGER
FROM y
;
-- Usage growth: MCV (active users x rate) of the pairs covered for customer success in S or
-- S-12; now = MCV in S when covered then, base = MCV in the base month (S-12, or the first
-- covered month after it).
INSERT INTO customer_eligibility
WITH x AS (
    SELECT m.solution_area, m.track, m.metric, m.set_key, c.partner_key, c.tenant_key, c.workload, w.mcv_rate,
        has_bit(c.mask, 23) AS any_s, has_bit(c.mask, 11) AS any_s12,
        has_bit(c.mask_cs, 23) AS cs_s, has_bit(c.mask_cs, 11) AS cs_s12,
        in_growth_set(c.mask_cs) AS in_g,
        month_at(p.s23, base_idx(c.mask_cs)) AS base_month
    FROM elig_ba_metric m
    JOIN ba_pmask c ON c.set_key = m.set_key
    JOIN rb_bizapps_workload w ON w.name = c.workload AND w.mcv_rate IS NOT NULL
    CROSS JOIN params p
    WHERE m.metric = 'usage_growth'
),
v AS (
    SELECT x.*, u.users_s * x.mcv_rate AS mcv_s, u.users_s12 * x.mcv_rate AS mcv_s12,
        bu.active_users * x.mcv_rate AS mcv_base
    FROM x
    LEFT JOIN elig_ba_usage u ON u.tenant_key = x.tenant_key AND u.workload = x.workload
    -- base_month is NULL outside the growth base set: no match.
    LEFT JOIN bizapps_usage bu ON bu.tenant_key = x.tenant_key AND bu.workload = x.workload AND bu.month = x.base_month
    WHERE u.tenant_key IS NOT NULL OR bu.tenant_key IS NOT NULL
)
SELECT solution_area, track, metric, '', set_key, partner_key, tenant_key, workload,
    json_object('mcv_s', round(mcv_s, 2), 'mcv_s12', round(mcv_s12, 2), 'mcv_base', round(mcv_base, 2),
        'base_month', strftime(base_month, '%Y-%m'),
        'mcv_rate', mcv_rate)::VARCHAR,
    unnest(growth_row(in_g, cs_s,
        CASE WHEN any_s THEN rc('association_type_not_eligible') ELSE rc('association_not_active') END,
        CASE WHEN any_s12 THEN rc('association_type_not_eligible') ELSE rc('association_not_active') END,
        mcv_s, mcv_base))
FROM v
;
-- Deployments: pairs covered for customer success with MCV >= floor, S minus S-12.
INSERT INTO customer_eligibility
WITH x AS (
    SELECT m.solution_area, m.track, m.metric, m.set_key, m.mcv_floor AS f, c.partner_key, c.tenant_key, c.workload,
        has_bit(c.mask, 23) AS any_s, has_bit(c.mask, 11) AS any_s12,
        has_bit(c.mask_cs, 23) AS cs_s, has_bit(c.mask_cs, 11) AS cs_s12,
        coalesce(u.users_s, 0) * w.mcv_rate AS mcv_s, coalesce(u.users_s12, 0) * w.mcv_rate AS mcv_s12
    FROM elig_ba_metric m
    JOIN ba_pmask c ON c.set_key = m.set_key
    JOIN rb_bizapps_workload w ON w.name = c.workload AND w.mcv_rate IS NOT NULL
    JOIN elig_ba_usage u ON u.tenant_key = c.tenant_key AND u.workload = c.workload
    WHERE m.metric = 'deployments'
),
y AS (
    SELECT *, cs_s AND mcv_s >= f AS now_ok, cs_s12 AND mcv_s12 >= f AS base_ok FROM x
)
SELECT solution_area, track, metric, '', set_key, partner_key, tenant_key, workload,
    json_object('mcv_s', round(mcv_s, 2), 'mcv_s12', round(mcv_s12, 2), 'mcv_floor', f)::VARCHAR,
    true,
    now_ok,
    CASE WHEN now_ok THEN NULL WHEN mcv_s < f THEN rc('below_floor')
         WHEN any_s THEN rc('association_type_not_eligible') ELSE rc('association_not_active') END,
    base_ok,
    CASE WHEN base_ok THEN NULL WHEN mcv_s12 < f THEN rc('below_floor')
         WHEN any_s12 THEN rc('association_type_not_eligible') ELSE rc('association_not_active') END,
    now_ok::INTEGER, base_ok::INTEGER, now_ok::INTEGER - base_ok::INTEGER
FROM y
