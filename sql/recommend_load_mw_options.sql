-- Recommendation planner: reads the state table rs_mw_option (see recommend_state.sql), for the partners of one batch ($lo..$hi).
SELECT partner_key, solution_area, track, metric, option, threshold, now, base FROM rs_mw_option WHERE partner_key BETWEEN $lo AND $hi ORDER BY partner_key, solution_area, track, metric, option
