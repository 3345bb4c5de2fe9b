-- Recommendation planner: reads the state table rs_requires (see recommend_state.sql).
SELECT solution_area, track, metric, required_metric FROM rs_requires_people ORDER BY ALL
