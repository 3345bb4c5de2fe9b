-- No NULL keys in the outputs (the keys declared in package outputs).
SELECT 'area_scores' AS output, partner_id, solution_area, track FROM area_scores
WHERE partner_id IS NULL OR solution_area IS NULL OR track IS NULL OR status IS NULL
UNION ALL
SELECT 'metric_scores', partner_id, solution_area, track FROM metric_scores
WHERE partner_id IS NULL OR solution_area IS NULL OR track IS NULL OR metric IS NULL
UNION ALL
SELECT 'recommendations', partner_id, solution_area, track FROM recommendations
WHERE partner_id IS NULL OR solution_area IS NULL OR track IS NULL OR kind IS NULL OR priority IS NULL OR action IS NULL
UNION ALL
SELECT 'rejects', table_name, file, row_number::VARCHAR FROM rejects
WHERE table_name IS NULL OR file IS NULL OR row_number IS NULL
