-- Recommendation planner: reads the state table rs_security (see recommend_state.sql), for the partners of one batch ($lo..$hi).
SELECT partner_key, solution_area, association_type, service FROM rs_security WHERE partner_key BETWEEN $lo AND $hi ORDER BY partner_key, solution_area
