-- score_changes: each partner-area of this month (S) or of the previous published month (S-1,
-- loaded by changes_load into chg_prev_*): totals, status, each metric's point delta on the
-- selected tracks, and the eligibility rows that moved (on the track selected now; for a gone
-- partner, the one selected before). chg_kinds lists the driver kinds in their order (outputs.DriverKinds).
CREATE OR REPLACE TABLE chg_pairs AS
SELECT coalesce(c.partner_id, p.partner_id) AS partner_id, coalesce(c.solution_area, p.solution_area) AS solution_area,
    CASE WHEN p.partner_id IS NULL THEN 'new' WHEN c.partner_id IS NULL THEN 'gone' ELSE 'both' END AS presence,
    p.track AS previous_track, c.track, p.total_points AS previous_total_points, c.total_points,
    p.status AS previous_status, c.status,
    coalesce(p.qualified, false) AS qualified_before, coalesce(c.qualified, false) AS qualified_now,
    coalesce(p.enrolled, false) AS enrolled_before, coalesce(c.enrolled, false) AS enrolled_now,
    coalesce(c.track, p.track) AS driver_track
FROM area_scores c
FULL JOIN chg_prev_area p ON p.partner_id = c.partner_id AND p.solution_area = c.solution_area
;
-- Points of each metric on the selected track of each month; a metric missing in one month (not
-- applicable there) counts 0 there, so the deltas of a pair sum to its total's delta.
CREATE OR REPLACE TABLE chg_metrics AS
WITH cur AS (
    SELECT m.partner_id, m.solution_area, m.metric, m.points
    FROM metric_scores m
    JOIN selected_track s ON s.partner_key = m.partner_key AND s.solution_area = m.solution_area AND s.track = m.track
)
SELECT coalesce(c.partner_id, p.partner_id) AS partner_id, coalesce(c.solution_area, p.solution_area) AS solution_area,
    coalesce(c.metric, p.metric) AS metric, (coalesce(c.points, 0) - coalesce(p.points, 0))::DECIMAL(5,2) AS delta
FROM cur c
FULL JOIN chg_prev_metric p ON p.partner_id = c.partner_id AND p.solution_area = c.solution_area AND p.metric = c.metric
;
-- Customer rows of both months on the driver track, matched on metric, part, tenant and workload.
CREATE OR REPLACE TABLE chg_customers AS
WITH cur AS (
    SELECT x.partner_id, x.solution_area, e.metric, e.part, t.tenant_id, e.workload,
        e.counted_now, e.reason_now, e.counted_base, e.reason_base
    FROM customer_eligibility e
    JOIN partners p ON p.partner_key = e.partner_key
    JOIN tenants t ON t.tenant_key = e.tenant_key
    JOIN chg_pairs x ON x.partner_id = p.partner_id AND x.solution_area = e.solution_area AND x.driver_track = e.track
), prev AS (
    SELECT e.partner_id, e.solution_area, e.metric, e.part, e.tenant_id, e.workload,
        e.counted_now, e.reason_now, e.counted_base, e.reason_base
    FROM chg_prev_customer e
    JOIN chg_pairs x ON x.partner_id = e.partner_id AND x.solution_area = e.solution_area AND x.driver_track = e.track
), j AS (
    SELECT coalesce(c.partner_id, p.partner_id) AS partner_id, coalesce(c.solution_area, p.solution_area) AS solution_area,
        coalesce(c.metric, p.metric) AS metric, coalesce(c.part, p.part) AS part,
        coalesce(c.tenant_id, p.tenant_id) AS tenant_id, coalesce(c.workload, p.workload) AS workload,
        coalesce(c.counted_now, false) AS now_after, coalesce(p.counted_now, false) AS now_before,
        coalesce(c.counted_base, false) AS base_after, coalesce(p.counted_base, false) AS base_before,
        c.reason_now AS reason_now_after, p.reason_now AS reason_now_before,
        c.reason_base AS reason_base_after, p.reason_base AS reason_base_before
    FROM cur c
    FULL JOIN prev p ON p.partner_id = c.partner_id AND p.solution_area = c.solution_area AND p.metric = c.metric
        AND p.part = c.part AND p.tenant_id = c.tenant_id AND p.workload = c.workload
)
SELECT partner_id, solution_area, 'customer_started' AS kind, metric, part, tenant_id, workload, reason_now_before AS reason
FROM j WHERE now_after AND NOT now_before
UNION ALL
SELECT partner_id, solution_area, 'customer_stopped', metric, part, tenant_id, workload, reason_now_after
FROM j WHERE now_before AND NOT now_after
UNION ALL
SELECT partner_id, solution_area, 'base_customer_started', metric, part, tenant_id, workload, reason_base_before
FROM j WHERE base_after AND NOT base_before
UNION ALL
SELECT partner_id, solution_area, 'base_customer_stopped', metric, part, tenant_id, workload, reason_base_after
FROM j WHERE base_before AND NOT base_after
;
-- Certification rows of both months on the driver track, matched on metric, step, person,
-- certification and earned_on.
CREATE OR REPLACE TABLE chg_certifications AS
WITH cur AS (
    SELECT x.partner_id, x.solution_area, e.metric, e.step, e.person_id, e.certification, e.earned_on, e.counted, e.reason
    FROM skilling_eligibility e
    JOIN partners p ON p.partner_key = e.partner_key
    JOIN chg_pairs x ON x.partner_id = p.partner_id AND x.solution_area = e.solution_area AND x.driver_track = e.track
), prev AS (
    SELECT e.partner_id, e.solution_area, e.metric, e.step, e.person_id, e.certification, e.earned_on, e.counted, e.reason
    FROM chg_prev_skilling e
    JOIN chg_pairs x ON x.partner_id = e.partner_id AND x.solution_area = e.solution_area AND x.driver_track = e.track
), j AS (
    SELECT coalesce(c.partner_id, p.partner_id) AS partner_id, coalesce(c.solution_area, p.solution_area) AS solution_area,
        coalesce(c.metric, p.metric) AS metric, coalesce(c.step, p.step) AS step,
        coalesce(c.person_id, p.person_id) AS person_id, coalesce(c.certification, p.certification) AS certification,
        coalesce(c.earned_on, p.earned_on) AS earned_on,
        coalesce(c.counted, false) AS counted_after, coalesce(p.counted, false) AS counted_before,
        c.reason AS reason_after, p.reason AS reason_before
    FROM cur c
    FULL JOIN prev p ON p.partner_id = c.partner_id AND p.solution_area = c.solution_area AND p.metric = c.metric
        AND p.step = c.step AND p.person_id = c.person_id AND p.certification = c.certification AND p.earned_on = c.earned_on
)
SELECT partner_id, solution_area,
    CASE WHEN counted_after AND earned_on > $previous_as_of::DATE THEN 'certification_earned'
         WHEN counted_after THEN 'certification_started'
         WHEN reason_after = 'cert_expired' THEN 'certification_expired'
         WHEN reason_after = 'retired_past_grace' THEN 'certification_retired'
         ELSE 'certification_stopped' END AS kind,
    metric, step, person_id, certification, earned_on,
    CASE WHEN counted_after THEN reason_before ELSE reason_after END AS reason
FROM j
WHERE counted_after <> counted_before
;
-- Every driver entry as JSON, ranked by kind, then by what it names.
CREATE OR REPLACE TABLE chg_entries AS
SELECT partner_id, solution_area, kind, metric, tenant_id AS who, workload AS what, part, NULL::INTEGER AS step, NULL::DATE AS earned_on,
    json_object('kind', kind, 'metric', metric, 'part', part, 'tenant_id', tenant_id, 'workload', workload, 'reason', reason) AS entry
FROM chg_customers
UNION ALL
SELECT partner_id, solution_area, kind, metric, person_id, certification, '', step, earned_on,
    json_object('kind', kind, 'metric', metric, 'step', step, 'person_id', person_id, 'certification', certification,
        'earned_on', strftime(earned_on, '%Y-%m-%d'), 'reason', reason)
FROM chg_certifications
UNION ALL
SELECT partner_id, solution_area, 'track_change', '', '', '', '', NULL, NULL,
    json_object('kind', 'track_change', 'from', previous_track, 'to', track)
FROM chg_pairs WHERE presence = 'both' AND track <> previous_track
UNION ALL
SELECT x.partner_id, x.solution_area, 'rubric_change', '', '', '', '', NULL, NULL,
    json_object('kind', 'rubric_change', 'from', $previous_rubric_id, 'to', g.rubric_id,
        'from_sha256', $previous_rubric_sha256, 'to_sha256', $rubric_sha256)
FROM chg_pairs x CROSS JOIN rb_general g
WHERE $previous_rubric_sha256 <> $rubric_sha256
;
CREATE OR REPLACE TABLE chg_drivers AS
SELECT e.partner_id, e.solution_area,
    to_json(list(e.entry ORDER BY k.rank, e.metric, e.part, e.who, e.what, e.step, e.earned_on))::VARCHAR AS drivers,
    count(*) FILTER (WHERE e.kind = 'customer_started')::INTEGER AS customers_started,
    count(*) FILTER (WHERE e.kind = 'customer_stopped')::INTEGER AS customers_stopped,
    count(*) FILTER (WHERE e.kind = 'certification_earned')::INTEGER AS certifications_earned,
    count(*) FILTER (WHERE e.kind = 'certification_expired')::INTEGER AS certifications_expired,
    count(*) FILTER (WHERE e.kind = 'certification_retired')::INTEGER AS certifications_retired
FROM chg_entries e
JOIN chg_kinds k ON k.kind = e.kind
GROUP BY ALL
;
CREATE OR REPLACE TABLE score_changes AS
WITH m AS (
    SELECT partner_id, solution_area,
        any_value(delta) FILTER (WHERE metric = 'net_customer_adds') AS net_customer_adds,
        any_value(delta) FILTER (WHERE metric = 'intermediate_certifications') AS intermediate_certifications,
        any_value(delta) FILTER (WHERE metric = 'advanced_certifications') AS advanced_certifications,
        any_value(delta) FILTER (WHERE metric = 'usage_growth') AS usage_growth,
        any_value(delta) FILTER (WHERE metric = 'deployments') AS deployments
    FROM chg_metrics GROUP BY ALL
)
SELECT x.partner_id, x.solution_area, $previous_month AS previous_month, x.presence,
    x.previous_track, x.track, x.previous_total_points, x.total_points,
    CASE WHEN x.presence = 'both' THEN (x.total_points - x.previous_total_points)::DECIMAL(5,2) END AS total_delta_points,
    x.previous_status, x.status,
    CASE WHEN x.qualified_now AND NOT x.qualified_before THEN 'gained'
         WHEN x.qualified_before AND NOT x.qualified_now THEN 'lost' ELSE 'none' END AS qualification_change,
    CASE WHEN x.enrolled_now AND NOT x.enrolled_before THEN 'enrolled'
         WHEN x.enrolled_before AND NOT x.enrolled_now THEN 'unenrolled' ELSE 'none' END AS enrollment_change,
    CASE WHEN x.presence = 'both' THEN m.net_customer_adds END AS net_customer_adds_delta_points,
    CASE WHEN x.presence = 'both' THEN m.intermediate_certifications END AS intermediate_certifications_delta_points,
    CASE WHEN x.presence = 'both' THEN m.advanced_certifications END AS advanced_certifications_delta_points,
    CASE WHEN x.presence = 'both' THEN m.usage_growth END AS usage_growth_delta_points,
    CASE WHEN x.presence = 'both' THEN m.deployments END AS deployments_delta_points,
    x.presence = 'both' AND x.track <> x.previous_track AS track_changed,
    $previous_rubric_sha256 <> $rubric_sha256 AS rubric_changed,
    CASE WHEN $has_drivers THEN coalesce(d.customers_started, 0) END AS customers_started,
    CASE WHEN $has_drivers THEN coalesce(d.customers_stopped, 0) END AS customers_stopped,
    CASE WHEN $has_drivers THEN coalesce(d.certifications_earned, 0) END AS certifications_earned,
    CASE WHEN $has_drivers THEN coalesce(d.certifications_expired, 0) END AS certifications_expired,
    CASE WHEN $has_drivers THEN coalesce(d.certifications_retired, 0) END AS certifications_retired,
    CASE WHEN $has_drivers THEN coalesce(d.drivers, '[]') END AS drivers,
    nullif(concat_ws('; ',
        CASE x.presence WHEN 'new' THEN 'new: the partner has no ' || x.solution_area || ' row in ' || $previous_month
                        WHEN 'gone' THEN 'gone: the partner is not in this month''s partners' END,
        CASE WHEN NOT $has_drivers THEN $drivers_note END), '') AS note
FROM chg_pairs x
LEFT JOIN m ON m.partner_id = x.partner_id AND m.solution_area = x.solution_area
LEFT JOIN chg_drivers d ON d.partner_id = x.partner_id AND d.solution_area = x.solution_area
;
DROP TABLE chg_pairs
;
DROP TABLE chg_metrics
;
DROP TABLE chg_customers
;
DROP TABLE chg_certifications
;
DROP TABLE chg_entries
;
DROP TABLE chg_drivers
;
DROP TABLE chg_prev_area
;
DROP TABLE chg_prev_metric
;
DROP TABLE chg_prev_customer
;
DROP TABLE chg_prev_skilling
