-- Recommendation planner: reads the state table rs_bizapps (see recommend_state.sql), for the partners of one batch ($lo..$hi).
SELECT partner_key, solution_area, track, nca_association_type, nca_workload, deploy_association_type, deploy_workload, deploy_rate FROM rs_bizapps WHERE partner_key BETWEEN $lo AND $hi ORDER BY partner_key, solution_area
