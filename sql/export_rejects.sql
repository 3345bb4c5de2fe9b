-- Columns in the order of outputs.All(); the export verifies the written file against it. The
-- ORDER BY is a total order, so two runs of the same input write the same file.
SELECT $month_label AS snapshot_month, $as_of::DATE AS as_of, table_name, file, row_number, reason, raw,
    $rubric_id AS rubric_id, $run_id AS run_id
FROM rejects ORDER BY table_name, file, row_number, reason, raw
