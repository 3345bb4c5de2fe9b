-- Recommendation planner: reads the state table rs_services (see recommend_state.sql).
SELECT name, neutral FROM rs_service ORDER BY neutral DESC, name
