-- Area totals equal the rounded sum of the selected track's metric points.
SELECT a.partner_id, a.solution_area, a.track, a.total_points, round(sum(m.points), 2) AS metric_sum
FROM area_scores a
-- Joined on the integer partner key (partner_id is one to one with it).
JOIN metric_scores m ON m.partner_key = a.partner_key AND m.solution_area = a.solution_area AND m.track = a.track
GROUP BY a.partner_id, a.solution_area, a.track, a.total_points
HAVING abs(a.total_points - round(sum(m.points), 2)) > 0.000001
