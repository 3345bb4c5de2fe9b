-- Recommendation planner: reads the state table rs_bizapps (see recommend_state.sql).
SELECT partner_key, solution_area, track, nca_association_type, nca_workload, deploy_association_type, deploy_workload, deploy_rate FROM rs_bizapps ORDER BY partner_key, solution_area
