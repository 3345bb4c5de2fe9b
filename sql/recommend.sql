-- Recommendations on the selected track of every area: what blocks qualification, how far each
-- metric is from its threshold, certifications about to stop counting, customers below the ACR floor.
CREATE OR REPLACE TABLE recommendations AS
WITH sel AS (
    SELECT m.* FROM metric_scores m
    JOIN selected_track s ON s.partner_key = m.partner_key AND s.solution_area = m.solution_area AND s.track = m.track
),
zero AS (
    SELECT partner_id, solution_area, track, 'metric_at_zero' AS kind, metric, 1 AS priority,
        metric || ' scores 0 points; every metric needs points above 0 to qualify' AS message,
        -- Points appear as DOUBLE in texts and JSON (JSON numbers have no decimal type).
        json_object('value', value, 'threshold', threshold, 'max_points', max_points::DOUBLE)::VARCHAR AS detail
    FROM sel WHERE points = 0
),
gap AS (
    SELECT partner_id, solution_area, track, 'distance_to_threshold', metric, 2,
        metric || ': ' || CASE WHEN value IS NULL THEN 'no base to grow from' ELSE round(value, 2)::VARCHAR END
            || ' of threshold ' || threshold::VARCHAR || ' (' || points::DOUBLE::VARCHAR || ' of ' || max_points::DOUBLE::VARCHAR || ' points)',
        json_object('value', value, 'threshold', threshold, 'missing_points', (max_points - points)::DOUBLE)::VARCHAR
    FROM sel WHERE threshold IS NOT NULL AND points > 0 AND points < max_points
),
expiring AS (
    -- A counted certification whose expiry, or retirement grace end, falls within the warning horizon.
    SELECT DISTINCT sc.solution_area, sc.track, sc.metric, c.partner_key, c.person_id, c.certification,
        least(c.expires_on, CASE WHEN r.retires_on IS NOT NULL THEN r.retires_on + to_months(g.retired_grace_months) END)::DATE AS stops_counting
    FROM cert_counted cc
    JOIN certifications c ON c.partner_key = cc.partner_key AND c.person_id = cc.person_id AND c.certification = cc.certification
    JOIN rb_cert r ON r.code = c.certification
    JOIN rb_step_cert sc ON sc.code = c.certification
    CROSS JOIN params p CROSS JOIN rb_general g
),
exp AS (
    SELECT pt.partner_id, e.solution_area, e.track, 'certification_expiring', e.metric, 3,
        e.certification || ' of person ' || e.person_id || ' stops counting on ' || e.stops_counting::VARCHAR,
        json_object('person_id', e.person_id, 'certification', e.certification, 'stops_counting', e.stops_counting)::VARCHAR
    FROM expiring e
    JOIN selected_track s ON s.partner_key = e.partner_key AND s.solution_area = e.solution_area AND s.track = e.track
    JOIN partners pt ON pt.partner_key = e.partner_key
    CROSS JOIN params p CROSS JOIN rb_general g
    WHERE e.stops_counting IS NOT NULL AND e.stops_counting <= p.asof + g.expiry_warning_days
),
floor AS (
    -- Azure customers with usage in S but below the net-customer-adds floor of the selected track.
    SELECT pt.partner_id, m.solution_area, m.track, 'customer_below_acr_floor', m.metric, 4,
        'tenant ' || tn.tenant_id || ' has ' || round(t.acr_s, 2)::VARCHAR || ' USD ACR in the month, below the '
            || m.acr_floor::VARCHAR || ' USD floor, so it does not count as a customer',
        json_object('tenant_id', tn.tenant_id, 'acr_usd', round(t.acr_s, 2), 'acr_floor_usd', m.acr_floor)::VARCHAR
    FROM rb_metric m
    JOIN rb_area a ON a.solution_area = m.solution_area AND a.family = 'azure'
    JOIN rb_assoc_set k ON k.solution_area = m.solution_area AND k.track = m.track AND k.metric = m.metric
    JOIN az_pt t ON t.set_key = k.set_key
    JOIN selected_track s ON s.partner_key = t.partner_key AND s.solution_area = m.solution_area AND s.track = m.track
    JOIN partners pt ON pt.partner_key = t.partner_key
    JOIN tenants tn ON tn.tenant_key = t.tenant_key
    CROSS JOIN params p
    WHERE m.metric = 'net_customer_adds' AND t.acr_s > 0 AND t.acr_s < m.acr_floor
)
SELECT * FROM zero UNION ALL SELECT * FROM gap UNION ALL SELECT * FROM exp UNION ALL SELECT * FROM floor
