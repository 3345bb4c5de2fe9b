-- Sorted by partner, area, track and metric (one integer, as metric_scores), then step, person,
-- certification and date.
WITH mr AS (
    SELECT m.solution_area, m.track, m.metric, dense_rank() OVER (ORDER BY m.solution_area, m.track, m.metric) AS rank
    FROM rb_metric m JOIN rb_area a ON a.solution_area = m.solution_area
    WHERE m.applicable
)
SELECT $month_label AS snapshot_month, $as_of::DATE AS as_of, p.partner_id, e.solution_area, e.track, e.metric, e.step, e.step_role,
    e.person_id, e.certification, e.earned_on, e.expires_on, e.retires_on, e.counts_until,
    e.counted, e.reason, r.message AS reason_message, e.contribution,
    $rubric_id AS rubric_id, $run_id AS run_id
FROM skilling_eligibility e
JOIN partners p ON p.partner_key = e.partner_key
JOIN mr ON mr.solution_area = e.solution_area AND mr.track = e.track AND mr.metric = e.metric
LEFT JOIN elig_reasons r ON r.code = e.reason
ORDER BY (e.partner_key::BIGINT << 16) | mr.rank, e.step, e.person_id, e.certification, e.earned_on
