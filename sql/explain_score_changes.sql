-- Explain: one partner's score_changes rows of a month (every area).
SELECT {{columns}} FROM read_parquet({{path}}) WHERE partner_id = $partner ORDER BY solution_area
