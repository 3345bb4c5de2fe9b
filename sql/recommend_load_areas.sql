-- Recommendation planner: reads the state table rs_areas (see recommend_state.sql), for the partners of one batch ($lo..$hi).
SELECT partner_key, partner_id, solution_area, track_selection = 'best_total', selected_track, status, total_points FROM rs_area WHERE partner_key BETWEEN $lo AND $hi ORDER BY partner_key, solution_area
