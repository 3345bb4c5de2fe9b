-- Recommendation planner: reads the state table rs_mw_grow (see recommend_state.sql), for the partners of one batch ($lo..$hi).
SELECT partner_key, solution_area, tenant_id, track, to_json(growth_options)::VARCHAR, workload FROM rs_mw_grow WHERE partner_key BETWEEN $lo AND $hi ORDER BY partner_key, solution_area, track
