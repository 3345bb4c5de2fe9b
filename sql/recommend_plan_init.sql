-- The planner's rows (path_to_qualify, no_path, certification_expiring), appended from Go through
-- DuckDB's appender; the recommend statement merges them with the kinds computed in SQL and casts
-- points_at_stake (the planner's DOUBLE) to DECIMAL(5,2).
CREATE OR REPLACE TABLE recommend_plan (partner_key INTEGER, partner_id VARCHAR, solution_area VARCHAR,
    track VARCHAR, kind VARCHAR, metric VARCHAR, ord INTEGER, points_at_stake DOUBLE, action VARCHAR,
    detail VARCHAR)
