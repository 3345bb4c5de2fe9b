-- Columns in the order of outputs.All(); the export verifies the written file against it. priority
-- numbers the rows of each partner-area from 1, so the ORDER BY is a total order and two runs of
-- the same input write the same file.
SELECT $month_label AS snapshot_month, $as_of::DATE AS as_of, r.partner_id, r.solution_area, r.track, r.kind, r.metric,
    r.priority::INTEGER AS priority, r.points_at_stake::DECIMAL(5,2) AS points_at_stake, r.action, r.detail,
    $rubric_id AS rubric_id, $run_id AS run_id
FROM recommendations r
ORDER BY r.partner_id, r.solution_area, r.priority
