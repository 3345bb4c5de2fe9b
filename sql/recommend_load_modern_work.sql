-- Recommendation planner: reads the state table rs_modern_work (see recommend_state.sql), for the partners of one batch ($lo..$hi).
SELECT partner_key, solution_area, association_type, workload FROM rs_modern_work WHERE partner_key BETWEEN $lo AND $hi ORDER BY partner_key, solution_area
