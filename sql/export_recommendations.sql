SELECT $month_label AS snapshot_month, r.partner_id, r.solution_area, r.track, r.kind, r.metric, r.message, r.detail
FROM recommendations r JOIN rb_area a ON a.solution_area = r.solution_area
ORDER BY r.partner_id, a.area_order, r.priority, r.metric, r.message, r.track, r.kind, r.detail
