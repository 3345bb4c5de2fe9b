-- Simulate: one partner's metric rows, both tracks, from the published month's file
-- (read_parquet of it) or from the what-if run's own table metric_scores.
SELECT solution_area, track, metric, points::VARCHAR, max_points::VARCHAR, value
FROM {{from}}
WHERE partner_id = $partner
ORDER BY solution_area, track, metric
