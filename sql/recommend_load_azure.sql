-- Recommendation planner: reads the state table rs_azure (see recommend_state.sql), for the partners of one batch ($lo..$hi).
SELECT partner_key, solution_area, track, association_type, coalesce(tenant_id, ''), coalesce(acr_s, 0), coalesce(acr_s1, 0) FROM rs_azure WHERE partner_key BETWEEN $lo AND $hi ORDER BY partner_key, solution_area
