-- score_changes: the previous month has no eligibility tables; empty ones keep the joins simple
-- (the drivers are then NULL, with a note).
CREATE OR REPLACE TABLE chg_prev_customer (partner_id VARCHAR, solution_area VARCHAR, track VARCHAR, metric VARCHAR,
    part VARCHAR, tenant_id VARCHAR, workload VARCHAR, counted_now BOOLEAN, reason_now VARCHAR, counted_base BOOLEAN,
    reason_base VARCHAR)
;
CREATE OR REPLACE TABLE chg_prev_skilling (partner_id VARCHAR, solution_area VARCHAR, track VARCHAR, metric VARCHAR,
    step INTEGER, person_id VARCHAR, certification VARCHAR, earned_on DATE, counted BOOLEAN, reason VARCHAR)
