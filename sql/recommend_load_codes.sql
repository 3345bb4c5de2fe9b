-- Recommendation planner: reads the state table rs_codes (see recommend_state.sql).
SELECT solution_area, code, track, metric, step FROM rs_step_code ORDER BY solution_area, code, track, metric, step
