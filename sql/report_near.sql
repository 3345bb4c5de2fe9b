-- Report: partner-areas not qualified with a total within $near points of $threshold (or above it with a
-- metric at zero), closest first; $limit rows and the count of all.
SELECT a.partner_id, a.solution_area, a.track, a.status, CAST(a.total_points AS DOUBLE) AS total,
    a.all_metrics_positive, coalesce(p.action, '') AS action, coalesce(p.points_at_stake, 0) AS stake, count(*) OVER () AS n
FROM read_parquet({{area_scores}}) a
LEFT JOIN report_path_actions p
    ON p.partner_id = a.partner_id AND p.solution_area = a.solution_area AND p.track = a.track
WHERE NOT a.qualified AND CAST(a.total_points AS DOUBLE) >= $threshold - $near
ORDER BY total DESC, a.partner_id, a.solution_area
LIMIT $limit
