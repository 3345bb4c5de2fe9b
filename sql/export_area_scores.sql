SELECT snapshot_month, as_of, partner_id, solution_area, track, performance_points, skilling_points,
    customer_success_points, total_points, all_metrics_positive, qualified, qualified_in_window, enrolled,
    status, rubric_id, run_id
-- partner_key follows partner_id order and sorts as an integer.
FROM area_scores ORDER BY partner_key, area_order
