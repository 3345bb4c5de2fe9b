-- score_changes: the previous published month's area_scores and selected metric points, read from
-- its files (written by any schema version: every column read here exists since version 1).
CREATE OR REPLACE TABLE chg_prev_area AS
SELECT partner_id, solution_area, track, total_points::DECIMAL(5,2) AS total_points, qualified, enrolled, status
FROM read_parquet({{area_scores}})
;
CREATE OR REPLACE TABLE chg_prev_metric AS
SELECT partner_id, solution_area, metric, points::DECIMAL(5,2) AS points
FROM read_parquet({{metric_scores}})
WHERE selected
