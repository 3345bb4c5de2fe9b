SELECT $month_label AS snapshot_month, p.partner_id, e.solution_area, e.track, e.metric, e.part, t.tenant_id,
    e.workload, e.association_types, e.figures, e.considered,
    e.counted_now, e.reason_now, rn.message AS reason_now_message,
    e.counted_base, e.reason_base, rb.message AS reason_base_message,
    e.now_amount, e.base_amount, e.contribution
FROM customer_eligibility e
JOIN partners p ON p.partner_key = e.partner_key
JOIN tenants t ON t.tenant_key = e.tenant_key
JOIN rb_area a ON a.solution_area = e.solution_area
JOIN rb_metric m ON m.solution_area = e.solution_area AND m.track = e.track AND m.metric = e.metric
LEFT JOIN elig_reasons rn ON rn.code = e.reason_now
LEFT JOIN elig_reasons rb ON rb.code = e.reason_base
-- partner_key follows partner_id order.
ORDER BY e.partner_key, a.area_order, e.track, m.metric_order, e.part, t.tenant_id, e.workload
