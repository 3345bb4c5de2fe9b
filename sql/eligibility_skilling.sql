-- The people behind every skilling metric: one row per partner x area x track x metric x step x
-- person x certification of the step's catalogue (x earned_on, the certification's key). The date
-- rules are those of cert_counted (metrics_skilling.sql); people per step, gates and requirements
-- are recomputed here from the rows, so that Reconcile's sum of contributions is an independent
-- count of the metric's value.
CREATE OR REPLACE TABLE skilling_eligibility AS
WITH c AS (
    SELECT sc.solution_area, sc.track, sc.metric, sc.step, s.role, s.min_people,
        c.partner_key, c.person_id, c.certification, c.earned_on, c.expires_on, r.retires_on,
        CASE WHEN r.retires_on IS NOT NULL AND c.earned_on < r.retires_on
             THEN (r.retires_on + to_months(g.retired_grace_months))::DATE END AS grace_end,
        CASE WHEN c.earned_on > p.asof THEN rc('earned_after_as_of')
             WHEN c.expires_on < p.asof THEN rc('cert_expired')
             WHEN r.retires_on IS NOT NULL AND p.asof > r.retires_on AND c.earned_on >= r.retires_on THEN rc('earned_after_retirement')
             WHEN r.retires_on IS NOT NULL AND p.asof > r.retires_on
                  AND p.asof > (r.retires_on + to_months(g.retired_grace_months))::DATE THEN rc('retired_past_grace')
        END AS invalid
    FROM certifications c
    JOIN rb_step_cert sc ON sc.code = c.certification
    JOIN rb_step s ON s.solution_area = sc.solution_area AND s.track = sc.track AND s.metric = sc.metric AND s.step = sc.step
    JOIN rb_metric m ON m.solution_area = sc.solution_area AND m.track = sc.track AND m.metric = sc.metric AND m.applicable
    JOIN rb_cert r ON r.code = c.certification
    CROSS JOIN params p
    CROSS JOIN rb_general g
),
-- A person counts once per step: the first valid certification (by code, then date) carries them.
d AS (
    SELECT *, invalid IS NULL AND row_number() OVER (
            PARTITION BY solution_area, track, metric, step, partner_key, person_id
            ORDER BY invalid IS NULL DESC, certification, earned_on) = 1 AS counted
    FROM c
),
people AS (
    SELECT solution_area, track, metric, step, partner_key, count(*) FILTER (WHERE counted) AS people
    FROM d GROUP BY ALL
),
-- Steps held (gates: enough people) per partner, for every step of the rubric.
held AS (
    SELECT s.solution_area, s.track, s.metric, s.step, pk.partner_key,
        coalesce(pp.people, 0) >= s.min_people AS held
    FROM rb_step s
    JOIN (SELECT DISTINCT solution_area, track, metric, partner_key FROM d) pk
        ON pk.solution_area = s.solution_area AND pk.track = s.track AND pk.metric = s.metric
    LEFT JOIN people pp ON pp.solution_area = s.solution_area AND pp.track = s.track AND pp.metric = s.metric
        AND pp.step = s.step AND pp.partner_key = pk.partner_key
),
req AS (
    SELECT q.solution_area, q.track, q.metric, q.step, h.partner_key, bool_and(h.held) AS requirements_held
    FROM rb_step_requires q
    JOIN held h ON h.solution_area = q.solution_area AND h.track = q.track AND h.metric = q.metric AND h.step = q.required_step
    GROUP BY ALL
),
e AS (
    SELECT d.*, h.held, coalesce(q.requirements_held, true) AS requirements_held,
        -- The first counted person of a gate-and-points step carries the step's credit of 1.
        d.counted AND row_number() OVER (
            PARTITION BY d.solution_area, d.track, d.metric, d.step, d.partner_key ORDER BY d.counted DESC, d.person_id) = 1 AS first_person
    FROM d
    JOIN held h ON h.solution_area = d.solution_area AND h.track = d.track AND h.metric = d.metric AND h.step = d.step
        AND h.partner_key = d.partner_key
    LEFT JOIN req q ON q.solution_area = d.solution_area AND q.track = d.track AND q.metric = d.metric AND q.step = d.step
        AND q.partner_key = d.partner_key
)
SELECT solution_area, track, metric, step, role AS step_role, partner_key, person_id, certification,
    earned_on, expires_on, retires_on,
    CASE WHEN invalid IN ('earned_after_retirement') THEN NULL ELSE least(expires_on, grace_end) END AS counts_until,
    counted,
    CASE WHEN invalid IS NOT NULL THEN invalid
         WHEN NOT counted THEN rc('person_already_counted_in_step')
         WHEN role IN ('gate', 'gate_and_points') AND NOT held THEN rc('step_gate_not_met')
         WHEN role = 'gate' THEN rc('gate_step_no_points')
         WHEN role = 'gate_and_points' AND NOT first_person THEN rc('step_credit_on_other_row')
         WHEN role = 'scoring' AND NOT requirements_held THEN rc('required_step_not_met')
    END AS reason,
    CASE WHEN NOT counted THEN 0
         WHEN role = 'count' THEN 1
         WHEN role = 'gate_and_points' AND held AND first_person THEN 1
         WHEN role = 'scoring' AND requirements_held THEN 1
         ELSE 0 END::DOUBLE AS contribution
FROM e
