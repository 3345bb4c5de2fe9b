-- Explain: the certification rows behind one partner-area's skilling metrics on one track (the columns
-- are text: package explain orders them by contribution and step).
SELECT {{columns}} FROM read_parquet({{path}})
WHERE partner_id = $partner AND solution_area = $area AND track = $track
ORDER BY metric, person_id, certification, earned_on
