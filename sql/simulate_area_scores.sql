-- Simulate: one partner's six areas, from the published month's file (read_parquet of
-- it) or from the what-if run's own table area_scores. Points as their exact text.
SELECT solution_area, track, total_points::VARCHAR, qualified, qualified_in_window, status, partner_name
FROM {{from}}
WHERE partner_id = $partner
ORDER BY solution_area
