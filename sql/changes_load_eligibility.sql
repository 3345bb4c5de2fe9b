-- score_changes: the previous published month's eligibility rows, read from its files.
CREATE OR REPLACE TABLE chg_prev_customer AS
SELECT partner_id, solution_area, track, metric, part, tenant_id, workload, counted_now, reason_now, counted_base, reason_base
FROM read_parquet({{customer_eligibility}})
;
CREATE OR REPLACE TABLE chg_prev_skilling AS
SELECT partner_id, solution_area, track, metric, step, person_id, certification, earned_on, counted, reason
FROM read_parquet({{skilling_eligibility}})
