-- Columns in the order of outputs.All(); the export verifies the written file against it.
SELECT $month_label AS snapshot_month, $as_of::DATE AS as_of, m.partner_id, m.solution_area, m.track,
    m.track = s.track AS selected, m.category, m.metric, m.value, m.threshold, m.max_points, m.points, m.detail,
    $rubric_id AS rubric_id, $run_id AS run_id
FROM metric_scores m
JOIN selected_track s ON s.partner_key = m.partner_key AND s.solution_area = m.solution_area
-- partner_id, solution_area, track, metric as one integer (partner_key follows partner_id order).
ORDER BY m.sort_key
