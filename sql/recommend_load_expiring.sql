-- Recommendation planner: reads the state table rs_expiring (see recommend_state.sql).
SELECT partner_key, solution_area, person_id, certification, earned_on::VARCHAR, stops_counting::VARCHAR, track, metric, step, drops FROM rs_expiring ORDER BY partner_key, solution_area, person_id, certification, track, metric, step
