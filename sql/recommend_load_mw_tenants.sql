-- Recommendation planner: reads the state table rs_mw_tenant (see recommend_state.sql), for the partners of one batch ($lo..$hi).
SELECT partner_key, solution_area, tenant_id, track, users, to_json(deploy_options)::VARCHAR, to_json(growth_options)::VARCHAR, workload FROM rs_mw_tenant WHERE partner_key BETWEEN $lo AND $hi ORDER BY partner_key, solution_area, users, tenant_id, track
