-- Area totals equal the sum of the selected track's metric points and the sum of the three category
-- points, exactly: points are DECIMAL(5,2), so no tolerance is needed.
SELECT a.partner_id, a.solution_area, a.track, a.total_points, sum(m.points) AS metric_sum,
    a.performance_points + a.skilling_points + a.customer_success_points AS category_sum
FROM area_scores a
-- Joined on the integer partner key (partner_id is one to one with it).
JOIN metric_scores m ON m.partner_key = a.partner_key AND m.solution_area = a.solution_area AND m.track = a.track
GROUP BY a.partner_id, a.solution_area, a.track, a.total_points, a.performance_points, a.skilling_points, a.customer_success_points
HAVING a.total_points <> sum(m.points)
    OR a.total_points <> a.performance_points + a.skilling_points + a.customer_success_points
