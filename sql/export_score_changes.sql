-- Columns in the order of outputs.All(); the export verifies the written file against it.
SELECT $month_label AS snapshot_month, $as_of::DATE AS as_of, partner_id, solution_area, previous_month, presence,
    previous_track, track, previous_total_points, total_points, total_delta_points, previous_status, status,
    qualification_change, enrollment_change,
    net_customer_adds_delta_points, intermediate_certifications_delta_points, advanced_certifications_delta_points,
    usage_growth_delta_points, deployments_delta_points,
    track_changed, rubric_changed, customers_started, customers_stopped, certifications_earned, certifications_expired,
    certifications_retired, drivers, note, $rubric_id AS rubric_id, $run_id AS run_id
FROM score_changes
ORDER BY partner_id, solution_area
