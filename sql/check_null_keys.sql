-- No NULL keys in the outputs.
SELECT 'area_scores' AS output, partner_id, solution_area, track FROM area_scores
WHERE partner_id IS NULL OR solution_area IS NULL OR track IS NULL OR status IS NULL
UNION ALL
SELECT 'metric_scores', partner_id, solution_area, track FROM metric_scores
WHERE partner_id IS NULL OR solution_area IS NULL OR track IS NULL OR metric IS NULL
