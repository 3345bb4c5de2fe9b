-- Explain: one partner-area's recommendations, with whichever of the wanted columns the file has;
-- {{order}} lists those of priority, metric and the action's text that it has.
SELECT {{columns}} FROM read_parquet({{path}})
WHERE partner_id = $partner AND solution_area = $area ORDER BY {{order}}
