-- Points per metric, totals per track, the selected track, status. Every partner gets every
-- applicable metric of every area and track, zeros included. Internal joins use partner_key; the
-- output tables carry partner_id.
CREATE OR REPLACE TABLE metric_scores AS
SELECT g.partner_key, g.partner_id, g.solution_area, g.area_order, g.track, g.category, g.metric, g.metric_order,
    -- The output order (partner_id, solution_area, track, metric) as one integer: cheaper to sort
    -- than four text keys (partner_key follows partner_id order, metric_rank the other three).
    (g.partner_key::BIGINT << 16) | g.metric_rank AS sort_key,
    CASE WHEN x.partner_key IS NOT NULL THEN x.value
         WHEN g.metric = 'usage_growth' AND g.rule = 'linear' THEN NULL
         ELSE 0 END AS value,
    CASE WHEN g.rule = 'linear' THEN g.threshold END AS threshold,
    -- Points are DECIMAL(5,2): each metric's points are rounded to 2 decimals once, here, and every
    -- sum of them (categories, totals) is exact.
    g.max_points::DECIMAL(5,2) AS max_points,
    CASE WHEN x.partner_key IS NULL OR NOT x.scorable THEN 0
         WHEN g.rule = 'linear' THEN coalesce(round(g.max_points * least(1, greatest(0, x.value) / g.threshold), 2), 0)
         ELSE round(least(g.max_points, greatest(0, coalesce(x.points_raw, 0))), 2) END::DECIMAL(5,2) AS points,
    coalesce(x.detail, '{}') AS detail
FROM (
    SELECT p.partner_key, p.partner_id, m.*
    FROM partners p
    CROSS JOIN (
        SELECT m.*, a.area_order, dense_rank() OVER (ORDER BY m.solution_area, m.track, m.metric) AS metric_rank
        FROM rb_metric m JOIN rb_area a ON a.solution_area = m.solution_area
        WHERE m.applicable
    ) m
) g
LEFT JOIN measures x ON x.partner_key = g.partner_key AND x.solution_area = g.solution_area
    AND x.track = g.track AND x.metric = g.metric
;
CREATE OR REPLACE TABLE track_scores AS
SELECT partner_key, solution_area, track,
    -- Exact decimal sums of the rounded metric points, back to DECIMAL(5,2) (at most 100 points).
    coalesce(sum(points) FILTER (WHERE category = 'performance'), 0)::DECIMAL(5,2) AS performance_points,
    coalesce(sum(points) FILTER (WHERE category = 'skilling'), 0)::DECIMAL(5,2) AS skilling_points,
    coalesce(sum(points) FILTER (WHERE category = 'customer_success'), 0)::DECIMAL(5,2) AS customer_success_points,
    sum(points)::DECIMAL(5,2) AS total_points,
    bool_and(points > 0) AS all_metrics_positive
FROM metric_scores
GROUP BY ALL
;
CREATE OR REPLACE TABLE track_scores AS
SELECT t.*, t.total_points >= g.qualifying_score AND t.all_metrics_positive AS qualified
FROM track_scores t CROSS JOIN rb_general g
;
-- Selected track: classification for Azure and Business Applications; otherwise the higher total,
-- on a tie the one that qualifies, then enterprise.
CREATE OR REPLACE TABLE selected_track AS
WITH ranked AS (
    SELECT t.partner_key, t.solution_area, t.track,
        row_number() OVER (PARTITION BY t.partner_key, t.solution_area
            ORDER BY t.total_points DESC, t.qualified DESC, (t.track = 'enterprise') DESC) AS rank
    FROM track_scores t
)
SELECT r.partner_key, r.solution_area,
    CASE a.track_selection
        WHEN 'azure_classification' THEN coalesce(az.track, 'enterprise')
        WHEN 'business_applications_classification' THEN coalesce(ba.track, 'smb')
        ELSE r.track END AS track
FROM ranked r
JOIN rb_area a ON a.solution_area = r.solution_area
LEFT JOIN az_track az ON az.partner_key = r.partner_key AND az.solution_area = r.solution_area
LEFT JOIN ba_track ba ON ba.partner_key = r.partner_key AND ba.solution_area = r.solution_area
WHERE r.rank = 1
;
CREATE OR REPLACE TABLE area_scores AS
SELECT $month_label AS snapshot_month, p.asof AS as_of, pt.partner_id, pt.partner_name, pt.country,
    t.solution_area, t.track,
    t.performance_points, t.skilling_points, t.customer_success_points, t.total_points,
    t.all_metrics_positive, t.qualified,
    t.qualified OR pq.partner_id IS NOT NULL AS qualified_in_window,
    e.partner_key IS NOT NULL AS enrolled,
    CASE WHEN e.partner_key IS NOT NULL THEN 'enrolled'
         WHEN t.qualified THEN 'qualified'
         WHEN t.total_points > 0 THEN 'in_progress'
         ELSE 'not_started' END AS status,
    g.rubric_id, $run_id AS run_id, a.area_order, t.partner_key
FROM track_scores t
JOIN partners pt ON pt.partner_key = t.partner_key
JOIN selected_track s ON s.partner_key = t.partner_key AND s.solution_area = t.solution_area AND s.track = t.track
JOIN rb_area a ON a.solution_area = t.solution_area
CROSS JOIN params p
CROSS JOIN rb_general g
LEFT JOIN (SELECT DISTINCT partner_id, solution_area FROM prior_qualified) pq
    ON pq.partner_id = pt.partner_id AND pq.solution_area = t.solution_area
LEFT JOIN (
    SELECT DISTINCT en.partner_key, en.solution_area FROM enrollments en CROSS JOIN params p
    WHERE en.enrolled_on <= p.asof AND (en.ended_on IS NULL OR en.ended_on >= p.asof)
) e ON e.partner_key = t.partner_key AND e.solution_area = t.solution_area
