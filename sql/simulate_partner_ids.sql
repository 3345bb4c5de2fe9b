-- Simulate: the partners of the published month (its area_scores file), for an unknown
-- --partner: how many there are and the first and last id.
SELECT count(DISTINCT partner_id), min(partner_id), max(partner_id) FROM read_parquet({{path}})
