-- Business Applications: net customer adds (revenue pairs), usage growth and deployments (MCV),
-- and the enterprise/SMB classification. A pair is (tenant, workload).
CREATE OR REPLACE TABLE ba_pairs AS
SELECT DISTINCT u.tenant_key, u.workload FROM bizapps_usage u, params p WHERE u.month BETWEEN p.s23 AND p.s
;
-- Pair coverage as 24-bit month masks per association set: mask (any association of the set) and
-- mask_cs (those whose type also belongs to the workload's customer-success association group).
CREATE OR REPLACE TABLE ba_pmask AS
SELECT s.set_key, a.partner_key, pr.tenant_key, pr.workload, bit_or(a.mask) AS mask,
    coalesce(bit_or(a.mask) FILTER (WHERE g.association_type IS NOT NULL), 0) AS mask_cs
FROM assoc_mask a
JOIN rb_assoc_set_type s ON s.association_type = a.association_type
JOIN ba_pairs pr ON pr.tenant_key = a.tenant_key AND (a.workload IS NULL OR a.workload = pr.workload)
LEFT JOIN rb_bizapps_workload w ON w.name = pr.workload
LEFT JOIN rb_assoc_group g ON g.solution_area = 'business_applications' AND g.group_name = w.association_group
    AND g.association_type = a.association_type
WHERE s.set_key IN (SELECT set_key FROM rb_assoc_set WHERE family = 'business_applications')
GROUP BY ALL
;
-- Attributed usage per pair and month; MCV = active users x rate (rate-card workloads only).
CREATE OR REPLACE TABLE ba_attr AS
SELECT c.set_key, c.partner_key, c.tenant_key, c.workload, u.month,
    has_bit(c.mask_cs, month_idx(u.month, p.s23)) AS cs_ok,
    u.revenue_usd, w.net_customer_adds AS nca_workload,
    CASE WHEN w.mcv_rate IS NOT NULL THEN u.active_users * w.mcv_rate END AS mcv
FROM ba_pmask c
CROSS JOIN params p
JOIN bizapps_usage u ON u.tenant_key = c.tenant_key AND u.workload = c.workload
    AND has_bit(c.mask, month_idx(u.month, p.s23))
JOIN rb_bizapps_workload w ON w.name = c.workload
;
-- Net customer adds: pairs of net-customer-adds workloads over the revenue floor, S minus S-12.
INSERT INTO measures
WITH c AS (
    SELECT m.solution_area, m.track, m.metric, x.partner_key, m.revenue_floor,
        count(*) FILTER (WHERE x.month = p.s AND x.revenue_usd >= m.revenue_floor) AS now,
        count(*) FILTER (WHERE x.month = p.s12 AND x.revenue_usd >= m.revenue_floor) AS base
    FROM metric_set m
    JOIN ba_attr x ON x.set_key = m.set_key AND x.nca_workload
    CROSS JOIN params p
    WHERE m.family = 'business_applications' AND m.metric = 'net_customer_adds' AND x.month IN (p.s, p.s12)
    GROUP BY m.solution_area, m.track, m.metric, x.partner_key, m.revenue_floor
)
SELECT solution_area, track, metric, partner_key,
    unnest(count_measure(now, base, 'pairs_now', 'pairs_base', 'revenue_floor_usd', revenue_floor))
FROM c
;
-- Growth base per pair (customer-success coverage only).
CREATE OR REPLACE TABLE ba_growth_base AS
SELECT c.set_key, c.partner_key, c.tenant_key, c.workload,
    month_at(p.s23, base_idx(c.mask_cs)) AS base_month
FROM ba_pmask c
JOIN rb_bizapps_workload w ON w.name = c.workload AND w.mcv_rate IS NOT NULL
CROSS JOIN params p
WHERE in_growth_set(c.mask_cs)
;
-- Usage growth: % growth of total MCV; 0 points unless the base reaches the prerequisite.
-- The sums are kept (unrounded) in ba_growth: the recommendation planner starts from them.
CREATE OR REPLACE TABLE ba_growth AS
SELECT b.set_key, b.partner_key,
    sum(exact(coalesce(cur.mcv, 0)))::DOUBLE AS mcv_now, sum(exact(coalesce(base.mcv, 0)))::DOUBLE AS mcv_base, count(*) AS pairs
FROM ba_growth_base b
CROSS JOIN params p
LEFT JOIN ba_attr cur ON cur.set_key = b.set_key AND cur.partner_key = b.partner_key AND cur.tenant_key = b.tenant_key
    AND cur.workload = b.workload AND cur.month = p.s AND cur.cs_ok
LEFT JOIN ba_attr base ON base.set_key = b.set_key AND base.partner_key = b.partner_key AND base.tenant_key = b.tenant_key
    AND base.workload = b.workload AND base.month = b.base_month AND base.cs_ok
GROUP BY ALL
;
INSERT INTO measures
SELECT m.solution_area, m.track, m.metric, g.partner_key,
    unnest(growth_measure(g.mcv_now, g.mcv_base, m.base_minimum, 'mcv_now', 'mcv_base', 'pairs', g.pairs, 'base_minimum_mcv'))
FROM metric_set m
JOIN ba_growth g ON g.set_key = m.set_key
WHERE m.family = 'business_applications' AND m.metric = 'usage_growth'
;
-- Deployments: pairs with MCV over the floor in S minus those in S-12.
INSERT INTO measures
WITH c AS (
    SELECT m.solution_area, m.track, m.metric, x.partner_key, m.mcv_floor,
        count(*) FILTER (WHERE x.month = p.s AND x.mcv >= m.mcv_floor) AS now,
        count(*) FILTER (WHERE x.month = p.s12 AND x.mcv >= m.mcv_floor) AS base
    FROM metric_set m
    JOIN ba_attr x ON x.set_key = m.set_key AND x.cs_ok AND x.mcv IS NOT NULL
    CROSS JOIN params p
    WHERE m.family = 'business_applications' AND m.metric = 'deployments' AND x.month IN (p.s, p.s12)
    GROUP BY m.solution_area, m.track, m.metric, x.partner_key, m.mcv_floor
)
SELECT solution_area, track, metric, partner_key,
    unnest(count_measure(now, base, 'deployments_now', 'deployments_base', 'mcv_floor', mcv_floor))
FROM c
;
-- Classification: enterprise with at least min_pairs pairs over the revenue floor in both S and S-12
-- (attributed through the net-customer-adds associations).
CREATE OR REPLACE TABLE ba_track AS
WITH k AS (
    SELECT DISTINCT a.solution_area, a.ba_revenue_floor, a.ba_min_pairs, s.set_key
    FROM rb_area a JOIN rb_assoc_set s ON s.solution_area = a.solution_area AND s.metric = 'net_customer_adds' AND s.track = 'enterprise'
    WHERE a.track_selection = 'business_applications_classification'
),
pairs AS (
    SELECT k.solution_area, k.ba_min_pairs, x.partner_key, x.tenant_key, x.workload
    FROM k JOIN ba_attr x ON x.set_key = k.set_key CROSS JOIN params p
    WHERE x.month IN (p.s, p.s12) AND x.revenue_usd > k.ba_revenue_floor
    GROUP BY ALL
    HAVING count(DISTINCT x.month) = 2
)
SELECT solution_area, partner_key, count(*) AS large_pairs,
    CASE WHEN count(*) >= any_value(ba_min_pairs) THEN 'enterprise' ELSE 'smb' END AS track
FROM pairs GROUP BY ALL
