-- Sorted by partner, area, track and metric (one integer, as metric_scores), then part, tenant
-- (tenant_key follows tenant_id order) and workload.
-- The sort carries only what varies by row: the run's constants and the reason messages are added
-- by the projection over the sorted subquery, which keeps its order (DuckDB keeps row order
-- through a projection, not through a join), so the sort moves neither two message strings nor four
-- constants per row (42.6M rows at `large`). The messages come from the bound lists $reason_codes
-- and $reason_messages (stages.Reasons), looked up per row in a map, not joined.
WITH mr AS (
    SELECT m.solution_area, m.track, m.metric, dense_rank() OVER (ORDER BY m.solution_area, m.track, m.metric) AS rank
    FROM rb_metric m JOIN rb_area a ON a.solution_area = m.solution_area
    WHERE m.applicable
)
SELECT $month_label AS snapshot_month, $as_of::DATE AS as_of, partner_id, solution_area, track, metric, part, tenant_id,
    workload, association_types, figures, considered,
    counted_now, reason_now, map_extract_value(MAP($reason_codes, $reason_messages), reason_now) AS reason_now_message,
    counted_base, reason_base, map_extract_value(MAP($reason_codes, $reason_messages), reason_base) AS reason_base_message,
    now_amount, base_amount, contribution,
    $rubric_id AS rubric_id, $run_id AS run_id
FROM (
    SELECT p.partner_id, e.solution_area, e.track, e.metric, e.part, t.tenant_id, e.workload,
        coalesce(tn.types, '') AS association_types,
        e.figures, e.considered, e.counted_now, e.reason_now, e.counted_base, e.reason_base,
        e.now_amount, e.base_amount, e.contribution
    FROM customer_eligibility e
    JOIN partners p ON p.partner_key = e.partner_key
    JOIN tenants t ON t.tenant_key = e.tenant_key
    JOIN mr ON mr.solution_area = e.solution_area AND mr.track = e.track AND mr.metric = e.metric
    -- The row's association types (eligibility_finish): its tenant's types for every workload, and
    -- for its workload (a row without one: for any workload), that its set accepts.
    LEFT JOIN elig_types ty ON ty.partner_key = e.partner_key AND ty.tenant_key = e.tenant_key
    LEFT JOIN elig_types_wl tw ON tw.partner_key = e.partner_key AND tw.tenant_key = e.tenant_key AND tw.workload = e.workload
    LEFT JOIN elig_set_mask sm ON sm.set_key = e.set_key
    LEFT JOIN elig_type_names tn ON tn.mask = (coalesce(ty.all_mask, 0)
        | CASE WHEN e.workload = '' THEN coalesce(ty.wl_mask, 0) ELSE coalesce(tw.mask, 0) END) & coalesce(sm.mask, 0)
    ORDER BY (e.partner_key::BIGINT << 16) | mr.rank, e.part, e.tenant_key, e.workload
)
