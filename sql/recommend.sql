-- The published recommendations: the rows the planner wrote into recommend_plan (path_to_qualify,
-- no_path, certification_expiring) and the kinds built here (metric_at_zero, renewal_risk,
-- customer_below_floor, get_started), ranked within each partner-area by the kind's rank
-- (outputs.RecommendationKinds), then the order within the kind. Only the selected track of areas
-- in_progress, qualified or enrolled gets rows, plus one get_started row for a not_started area
-- with some activity. Actions are in the partner's units; points are DECIMAL(5,2), and appear as
-- DOUBLE in texts and JSON (JSON numbers have no decimal type).
CREATE OR REPLACE TABLE recommendations AS
WITH lbl AS (
    SELECT strftime(p.s, '%Y-%m') AS s, strftime(p.s - INTERVAL 5 MONTH, '%Y-%m') AS s5,
        strftime(p.s + INTERVAL 1 MONTH, '%Y-%m') AS next, g.qualifying_score AS q
    FROM params p CROSS JOIN rb_general g
),
area AS (
    SELECT a.partner_key, a.partner_id, a.solution_area, ra.name AS area_name, a.track, a.status, a.total_points,
        a.qualified, a.qualified_in_window
    FROM area_scores a JOIN rb_area ra ON ra.solution_area = a.solution_area
),
active AS (
    SELECT * FROM area WHERE status IN ('in_progress', 'qualified', 'enrolled')
),
-- Metric rows of the selected track of the areas that get rows.
sel AS (
    SELECT m.*, r.rule, a.area_name, a.qualified, a.total_points AS area_total
    FROM metric_scores m
    JOIN active a ON a.partner_key = m.partner_key AND a.solution_area = m.solution_area AND a.track = m.track
    JOIN rb_metric r ON r.solution_area = m.solution_area AND r.track = m.track AND r.metric = m.metric
),
plan AS (
    SELECT partner_id, solution_area, track, kind, metric,
        CASE kind WHEN 'certification_expiring' THEN 4 ELSE 1 END AS kind_rank, ord,
        points_at_stake::DECIMAL(5,2) AS points_at_stake, action, detail
    FROM recommend_plan
),
zero AS (
    SELECT partner_id, solution_area, track, 'metric_at_zero' AS kind, metric, 2 AS kind_rank, metric_order AS ord,
        max_points AS points_at_stake,
        'Earn points in ' || replace(metric, '_', ' ') || ': the area has ' || printf('%.2f', area_total)
            || ' points, but every metric needs more than 0 points to qualify' AS action,
        json_object('value', value, 'threshold', threshold, 'max_points', max_points::DOUBLE, 'points', points::DOUBLE)::VARCHAR AS detail
    FROM sel CROSS JOIN lbl
    -- Only where the zero is what blocks: below the qualifying score the path's steps (or the
    -- no_path row) already name every metric at 0.
    WHERE points = 0 AND NOT qualified AND area_total >= lbl.q
),
-- Enrolled areas not qualified in S-5..S, or not qualified in S with S-5 their only qualifying
-- month of the window (prior_qualified holds the qualifying months S-5..S-1).
prior AS (
    SELECT partner_id, solution_area, list(DISTINCT snapshot_month ORDER BY snapshot_month) AS months
    FROM prior_qualified GROUP BY ALL
),
renew AS (
    SELECT a.*, coalesce(pr.months, []) AS months, l.*,
        CASE WHEN a.total_points < l.q THEN (l.q - a.total_points)::DECIMAL(5,2) END AS short
    FROM area a
    CROSS JOIN lbl l
    LEFT JOIN prior pr ON pr.partner_id = a.partner_id AND pr.solution_area = a.solution_area
    WHERE a.status = 'enrolled' AND NOT a.qualified
      AND (NOT a.qualified_in_window OR coalesce(pr.months, []) = [l.s5])
),
risk AS (
    SELECT partner_id, solution_area, track, 'renewal_risk', NULL::VARCHAR, 3, 1, short,
        CASE WHEN NOT qualified_in_window
             THEN 'Qualify again in ' || area_name || ': enrolled, but not qualified in any month of ' || s5 || '..' || s
             ELSE 'Qualify again in ' || area_name || ' in ' || next || ': its only qualifying month of ' || s5 || '..' || s
                 || ' is ' || s5 || ', which leaves the window next month' END
        || CASE WHEN short IS NOT NULL THEN '; the ' || track || ' track is ' || printf('%.2f', short) || ' points short of ' || amount_text(q)
                ELSE '; a metric at 0 points holds it back' END,
        json_object('window_from', s5, 'window_to', s, 'qualified_months', months, 'total_points', total_points::DOUBLE,
            'qualifying_score', q, 'points_short', short::DOUBLE)::VARCHAR
    FROM renew
),
-- Customers that do not count now only because a figure in S (or over the twelve months to S) is
-- below the metric's floor, with the amount missing in the partner's units. Kept only where the
-- figure can be raised on the partner's own coverage: attributed usage above 0 in S, the pair
-- covered in S.
below AS (
    -- Azure net customer adds: attributed ACR in S (counted when S or S-1 reaches the floor).
    SELECT c.partner_key, c.solution_area, c.track, c.metric, c.part, c.tenant_key, c.workload,
        CAST(c.figures ->> 'acr_s' AS DOUBLE) AS have, CAST(c.figures ->> 'acr_floor_usd' AS DOUBLE) AS floor,
        'acr_usd' AS figure, 'USD' AS unit,
        'Raise tenant %t''s Azure consumption by %m USD in a month to reach the %f USD floor' AS tmpl
    FROM customer_eligibility c JOIN rb_area a ON a.solution_area = c.solution_area AND a.family = 'azure'
    WHERE c.metric = 'net_customer_adds' AND c.reason_now = 'below_floor' AND CAST(c.figures ->> 'acr_s' AS DOUBLE) > 0
    UNION ALL
    -- Business Applications net customer adds: the pair's revenue in S.
    SELECT c.partner_key, c.solution_area, c.track, c.metric, c.part, c.tenant_key, c.workload,
        CAST(c.figures ->> 'revenue_s' AS DOUBLE), CAST(c.figures ->> 'revenue_floor_usd' AS DOUBLE), 'revenue_usd', 'USD',
        'Raise tenant %t''s ' || c.workload || ' revenue by %m USD in a month to reach the %f USD floor'
    FROM customer_eligibility c
    WHERE c.solution_area = 'business_applications' AND c.metric = 'net_customer_adds' AND c.reason_now = 'below_floor'
      AND CAST(c.figures ->> 'covered_s' AS BOOLEAN) AND CAST(c.figures ->> 'revenue_s' AS DOUBLE) > 0
    UNION ALL
    -- Business Applications deployments: the pair's MCV in S (active users x the workload's rate),
    -- covered for customer success in S; the missing amount in active users.
    SELECT c.partner_key, c.solution_area, c.track, c.metric, c.part, c.tenant_key, c.workload,
        u.users, ceil(m.mcv_floor / w.mcv_rate), 'active_users', 'active users',
        'Raise active users of ' || c.workload || ' on tenant %t by %m (' || u.users::BIGINT::VARCHAR || ' now) to reach the '
            || amount_text(m.mcv_floor) || ' USD MCV floor at ' || amount_text(w.mcv_rate) || ' USD per user'
    FROM customer_eligibility c
    JOIN rb_metric m ON m.solution_area = c.solution_area AND m.track = c.track AND m.metric = c.metric
    JOIN rb_bizapps_workload w ON w.name = c.workload AND w.mcv_rate > 0
    JOIN ba_pmask b ON b.set_key = c.set_key AND b.partner_key = c.partner_key AND b.tenant_key = c.tenant_key
        AND b.workload = c.workload AND has_bit(b.mask_cs, 23)
    JOIN (SELECT tenant_key, workload, sum(active_users) AS users FROM bizapps_usage
          WHERE month = (SELECT s FROM params) GROUP BY ALL) u ON u.tenant_key = c.tenant_key AND u.workload = c.workload
    WHERE c.solution_area = 'business_applications' AND c.metric = 'deployments' AND c.reason_now = 'below_floor'
      AND u.users > 0
    UNION ALL
    -- Modern Work and Security (Microsoft 365 part) deployments: active users below the share of
    -- paid licences in S; the missing amount in active users.
    SELECT c.partner_key, c.solution_area, c.track, c.metric, c.part, c.tenant_key, c.workload,
        CAST(c.figures ->> 'active_users_s' AS DOUBLE),
        ceil(CAST(c.figures ->> 'active_share_min' AS DOUBLE) * CAST(c.figures ->> 'paid_licenses_s' AS DOUBLE)),
        'active_users', 'active users',
        'Raise active users on tenant %t by %m (' || (c.figures ->> 'active_users_s') || ' of '
            || (c.figures ->> 'paid_licenses_s') || ' paid licences now) to reach the '
            || amount_text(round(100 * CAST(c.figures ->> 'active_share_min' AS DOUBLE), 2)) || '% active share'
            || CASE WHEN c.solution_area = 'modern_work' THEN ' (' || c.part || ' option)' ELSE ' on its security workloads' END
    FROM customer_eligibility c
    WHERE c.solution_area IN ('modern_work', 'security') AND c.metric = 'deployments' AND c.reason_now = 'below_active_share'
      AND CAST(c.figures ->> 'paid_licenses_s' AS DOUBLE) > 0
    UNION ALL
    -- Security net customer adds (Azure part): security ACR over the twelve months to S.
    SELECT c.partner_key, c.solution_area, c.track, c.metric, c.part, c.tenant_key, c.workload,
        CAST(c.figures ->> 'security_acr_ttm' AS DOUBLE), CAST(c.figures ->> 'ttm_min_usd' AS DOUBLE), 'security_acr_ttm_usd', 'USD',
        'Raise tenant %t''s Azure security consumption over twelve months by %m USD to reach the %f USD minimum'
    FROM customer_eligibility c
    WHERE c.solution_area = 'security' AND c.metric = 'net_customer_adds' AND c.part = 'azure' AND c.reason_now = 'below_floor'
      AND CAST(c.figures ->> 'security_acr_ttm' AS DOUBLE) > 0
    UNION ALL
    -- Security deployments (Azure part): security ACR over the twelve months to S below the band.
    SELECT c.partner_key, c.solution_area, c.track, c.metric, c.part, c.tenant_key, c.workload,
        CAST(c.figures ->> 'security_acr_ttm' AS DOUBLE), m.ttm_lo, 'security_acr_ttm_usd', 'USD',
        'Raise tenant %t''s Azure security consumption over twelve months by '
            || CASE WHEN m.ttm_lo_excl THEN 'more than %m USD to go above' ELSE '%m USD to reach' END
            || ' the %f USD lower bound of the band'
    FROM customer_eligibility c
    JOIN rb_metric m ON m.solution_area = c.solution_area AND m.track = c.track AND m.metric = c.metric
    WHERE c.solution_area = 'security' AND c.metric = 'deployments' AND c.part = 'azure' AND c.reason_now = 'outside_acr_band'
      AND CAST(c.figures ->> 'security_acr_ttm' AS DOUBLE) > 0 AND CAST(c.figures ->> 'security_acr_ttm' AS DOUBLE) <= m.ttm_lo
),
-- The points the customer adds if it counts: the metric's count grows by 1 (for a best-of-options
-- metric, the option's count, and the metric keeps the better option).
stake AS (
    SELECT b.*, s.partner_id, s.metric_order, s.value, s.points, t.tenant_id,
        greatest(b.floor - b.have, 0) AS missing,
        CASE WHEN s.rule = 'linear'
             THEN round(s.max_points * least(1, greatest(0, s.value + 1) / s.threshold), 2)
             WHEN s.rule = 'best_of_options'
             THEN greatest(s.points, round(s.max_points * least(1, greatest(0, coalesce(list_filter(
                 from_json(s.detail -> 'options', '[{"option": "VARCHAR", "measure": "DOUBLE"}]'), x -> x.option = b.part)[1].measure, 0) + 1)
                 / o.threshold), 2))
        END::DECIMAL(5,2) - s.points AS at_stake
    FROM below b
    JOIN sel s ON s.partner_key = b.partner_key AND s.solution_area = b.solution_area AND s.track = b.track AND s.metric = b.metric
    JOIN tenants t ON t.tenant_key = b.tenant_key
    LEFT JOIN rb_option o ON o.solution_area = b.solution_area AND o.track = b.track AND o.metric = b.metric AND o.option = b.part
),
floors AS (
    SELECT partner_id, solution_area, track, 'customer_below_floor', metric, 5,
        row_number() OVER (PARTITION BY partner_id, solution_area ORDER BY at_stake DESC, metric_order, tenant_id, workload, part),
        at_stake,
        -- %m (missing) and %f (floor) are numbers; the tenant id goes in last, so it is never scanned.
        replace(replace(replace(tmpl, '%m', CASE WHEN unit = 'USD' THEN printf('%.2f', missing) ELSE missing::BIGINT::VARCHAR END),
            '%f', amount_text(floor)), '%t', tenant_id),
        json_object('tenant_id', tenant_id, 'part', part, 'workload', workload, 'figure', figure, 'value', round(have, 2),
            'floor', floor, 'missing', round(missing, 2), 'unit', unit)::VARCHAR
    FROM stake WHERE at_stake > 0
),
-- not_started areas with some activity: a metric above 0 on either track, or a counted certified
-- person whose certification is in the area's catalogue.
people AS (
    SELECT c.partner_key, sc.solution_area, count(DISTINCT c.person_id) AS n
    FROM cert_counted c JOIN (SELECT DISTINCT solution_area, code FROM rb_step_cert) sc ON sc.code = c.certification
    GROUP BY ALL
),
valued AS (
    SELECT partner_key, solution_area,
        list({'track': track, 'metric': metric, 'value': value} ORDER BY track, metric_order) AS metrics,
        list(DISTINCT replace(metric, '_', ' ')) AS names
    FROM metric_scores WHERE value > 0 GROUP BY ALL
),
start AS (
    SELECT a.partner_id, a.solution_area, a.track, 'get_started', NULL::VARCHAR, 6, 1, NULL::DECIMAL(5,2),
        'Start earning points in ' || a.area_name || ': ' || concat_ws(' and ',
            CASE WHEN pe.n = 1 THEN '1 person holds a counted certification of the area'
                 WHEN pe.n > 1 THEN pe.n::VARCHAR || ' people hold counted certifications of the area' END,
            CASE WHEN v.names IS NOT NULL THEN array_to_string(list_sort(v.names), ', ')
                || CASE WHEN len(v.names) = 1 THEN ' measures' ELSE ' measure' END || ' above 0' END)
            || ', but the ' || a.track || ' track scores 0 points',
        json_object('certified_people', coalesce(pe.n, 0), 'metrics_above_zero', coalesce(v.metrics, []))::VARCHAR
    FROM area a
    LEFT JOIN people pe ON pe.partner_key = a.partner_key AND pe.solution_area = a.solution_area
    LEFT JOIN valued v ON v.partner_key = a.partner_key AND v.solution_area = a.solution_area
    WHERE a.status = 'not_started' AND (pe.n > 0 OR v.metrics IS NOT NULL)
),
rows AS (
    SELECT * FROM plan
    UNION ALL SELECT * FROM zero
    UNION ALL SELECT * FROM risk
    UNION ALL SELECT * FROM floors
    UNION ALL SELECT * FROM start
)
SELECT partner_id, solution_area, track, kind, metric,
    row_number() OVER (PARTITION BY partner_id, solution_area ORDER BY kind_rank, ord, kind, metric, action, detail)::INTEGER AS priority,
    points_at_stake::DECIMAL(5,2) AS points_at_stake, action, coalesce(detail, '{}') AS detail
FROM rows
