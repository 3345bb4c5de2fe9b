-- Simulate: the steps of a partner-area's published path to qualify (the month's
-- recommendations file), in order.
SELECT detail FROM read_parquet({{path}})
WHERE partner_id = $partner AND solution_area = $area AND kind = 'path_to_qualify'
ORDER BY priority
