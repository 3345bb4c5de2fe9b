-- Recommendation planner: reads the state table rs_metrics (see recommend_state.sql).
SELECT partner_key, solution_area, track, metric, rule, max_points, threshold, base_minimum, acr_floor, value, points, tenants_now, tenants_base, acr_now, acr_base, to_json(services)::VARCHAR, revenue_floor, mcv_floor FROM rs_metric ORDER BY partner_key, solution_area, track, metric
