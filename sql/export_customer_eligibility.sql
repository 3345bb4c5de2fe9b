-- Sorted by partner, area, track and metric (one integer, as metric_scores), then part, tenant
-- (tenant_key follows tenant_id order) and workload.
WITH mr AS (
    SELECT m.solution_area, m.track, m.metric, dense_rank() OVER (ORDER BY m.solution_area, m.track, m.metric) AS rank
    FROM rb_metric m JOIN rb_area a ON a.solution_area = m.solution_area
    WHERE m.applicable
)
SELECT $month_label AS snapshot_month, $as_of::DATE AS as_of, p.partner_id, e.solution_area, e.track, e.metric, e.part, t.tenant_id,
    e.workload,
    coalesce(tn.types, '') AS association_types,
    e.figures, e.considered,
    e.counted_now, e.reason_now, rn.message AS reason_now_message,
    e.counted_base, e.reason_base, rb.message AS reason_base_message,
    e.now_amount, e.base_amount, e.contribution,
    $rubric_id AS rubric_id, $run_id AS run_id
FROM customer_eligibility e
JOIN partners p ON p.partner_key = e.partner_key
JOIN tenants t ON t.tenant_key = e.tenant_key
JOIN mr ON mr.solution_area = e.solution_area AND mr.track = e.track AND mr.metric = e.metric
-- The row's association types (eligibility_finish): its tenant's types for every workload, and for
-- its workload (a row without one: for any workload), that its set accepts.
LEFT JOIN elig_types ty ON ty.partner_key = e.partner_key AND ty.tenant_key = e.tenant_key
LEFT JOIN elig_types_wl tw ON tw.partner_key = e.partner_key AND tw.tenant_key = e.tenant_key AND tw.workload = e.workload
LEFT JOIN elig_set_mask sm ON sm.set_key = e.set_key
LEFT JOIN elig_type_names tn ON tn.mask = (coalesce(ty.all_mask, 0)
    | CASE WHEN e.workload = '' THEN coalesce(ty.wl_mask, 0) ELSE coalesce(tw.mask, 0) END) & coalesce(sm.mask, 0)
LEFT JOIN elig_reasons rn ON rn.code = e.reason_now
LEFT JOIN elig_reasons rb ON rb.code = e.reason_base
ORDER BY (e.partner_key::BIGINT << 16) | mr.rank, e.part, e.tenant_key, e.workload
