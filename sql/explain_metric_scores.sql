-- Explain: the metric rows of one partner-area, both tracks.
SELECT {{columns}} FROM read_parquet({{path}})
WHERE partner_id = $partner AND solution_area = $area ORDER BY track, metric
