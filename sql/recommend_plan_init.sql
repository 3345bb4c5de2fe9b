-- The planner's rows (path_to_qualify, no_path, certification_expiring), appended from Go; the
-- recommend statement merges them with the kinds computed in SQL.
CREATE OR REPLACE TABLE recommend_plan (partner_key INTEGER, partner_id VARCHAR, solution_area VARCHAR,
    track VARCHAR, kind VARCHAR, metric VARCHAR, ord INTEGER, points_at_stake DECIMAL(5,2), action VARCHAR,
    detail VARCHAR)
