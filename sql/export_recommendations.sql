-- Columns in the order of outputs.All(); the export verifies the written file against it. The
-- ORDER BY is a total order, so two runs of the same input write the same file.
SELECT $month_label AS snapshot_month, $as_of::DATE AS as_of, r.partner_id, r.solution_area, r.track, r.kind,
    r.priority::INTEGER AS priority, r.metric, r.message, r.detail, $rubric_id AS rubric_id, $run_id AS run_id
FROM recommendations r
ORDER BY r.partner_id, r.solution_area, r.priority, r.metric, r.message, r.track, r.kind, r.detail
