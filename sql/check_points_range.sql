-- Metric points lie within [0, max_points]; area totals within [0, max_points_per_area].
SELECT partner_id, solution_area, track, metric, points, max_points FROM metric_scores
WHERE points IS NULL OR points < 0 OR points > max_points
UNION ALL
SELECT partner_id, solution_area, track, 'total', total_points, (SELECT max_points_per_area FROM rb_general)
FROM area_scores WHERE total_points IS NULL OR total_points < 0 OR total_points > (SELECT max_points_per_area FROM rb_general)
