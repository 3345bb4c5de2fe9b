-- Recommendation planner: reads the state table rs_steps (see recommend_state.sql).
SELECT partner_key, solution_area, track, metric, step, role, coalesce(min_people, 0), coalesce(points, 0), coalesce(points_per_person, 0), people, to_json(requires)::VARCHAR FROM rs_step ORDER BY partner_key, solution_area, track, metric, step
