SELECT $month_label AS snapshot_month, p.partner_id, e.solution_area, e.track, e.metric, e.step, e.step_role,
    e.person_id, e.certification, e.earned_on, e.expires_on, e.retires_on, e.counts_until,
    e.counted, e.reason, r.message AS reason_message, e.contribution
FROM skilling_eligibility e
JOIN partners p ON p.partner_key = e.partner_key
JOIN rb_area a ON a.solution_area = e.solution_area
LEFT JOIN elig_reasons r ON r.code = e.reason
-- partner_key follows partner_id order.
ORDER BY e.partner_key, a.area_order, e.track, e.metric_order, e.step, e.person_id, e.certification, e.earned_on
