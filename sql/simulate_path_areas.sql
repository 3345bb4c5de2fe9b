-- Simulate: the partner's areas that have a published path to qualify (the month's
-- recommendations file), for an --apply-path area without one.
SELECT DISTINCT solution_area FROM read_parquet({{path}})
WHERE partner_id = $partner AND kind = 'path_to_qualify'
ORDER BY solution_area
