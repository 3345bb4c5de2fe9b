-- Columns in the order of outputs.All(); the export verifies the written file against it.
SELECT snapshot_month, as_of, partner_id, partner_name, country, solution_area, track, performance_points,
    skilling_points, customer_success_points, total_points, all_metrics_positive, qualified, qualified_in_window,
    enrolled, status, rubric_id, run_id
FROM area_scores
-- partner_key follows partner_id order and sorts as an integer; the six areas by id.
ORDER BY partner_key, solution_area
