-- Skilling for every area: certified people per step, gated steps, linear people counts.
-- A certification counts on A when earned by A and not expired; a retired exam counts until
-- retirement + the grace months, and only when it was earned before retirement.
CREATE OR REPLACE TABLE cert_counted AS
SELECT DISTINCT c.partner_key, c.person_id, c.certification
FROM certifications c
JOIN rb_cert r ON r.code = c.certification
CROSS JOIN params p
CROSS JOIN rb_general g
WHERE c.earned_on <= p.asof
  AND (c.expires_on IS NULL OR c.expires_on >= p.asof)
  AND (r.retires_on IS NULL OR p.asof <= r.retires_on
       OR (c.earned_on < r.retires_on AND p.asof <= (r.retires_on + to_months(g.retired_grace_months))::DATE))
;
-- People per partner and step (a person counts once per step).
CREATE OR REPLACE TABLE skill_people AS
SELECT sc.solution_area, sc.track, sc.metric, sc.step, cc.partner_key, count(DISTINCT cc.person_id) AS people
FROM rb_step_cert sc JOIN cert_counted cc ON cc.certification = sc.code
GROUP BY ALL
;
CREATE OR REPLACE TABLE skill_step AS
WITH ps AS (
    SELECT s.*, p.partner_key, coalesce(sp.people, 0) AS people
    FROM rb_step s
    CROSS JOIN (SELECT DISTINCT partner_key FROM cert_counted) p
    LEFT JOIN skill_people sp ON sp.solution_area = s.solution_area AND sp.track = s.track AND sp.metric = s.metric
        AND sp.step = s.step AND sp.partner_key = p.partner_key
),
held AS (
    SELECT *, role IN ('gate', 'gate_and_points') AND people >= min_people AS held FROM ps
),
req AS (
    SELECT r.solution_area, r.track, r.metric, r.step, h.partner_key, bool_and(h.held) AS requirements_held
    FROM rb_step_requires r
    JOIN held h ON h.solution_area = r.solution_area AND h.track = r.track AND h.metric = r.metric AND h.step = r.required_step
    GROUP BY ALL
)
SELECT h.*, coalesce(req.requirements_held, true) AS requirements_held,
    CASE h.role
        WHEN 'gate_and_points' THEN CASE WHEN h.held THEN h.points ELSE 0 END
        WHEN 'scoring' THEN CASE WHEN coalesce(req.requirements_held, true) THEN h.points_per_person * h.people ELSE 0 END
        ELSE 0 END AS step_points,
    CASE h.role
        WHEN 'gate_and_points' THEN CASE WHEN h.held THEN 1 ELSE 0 END
        WHEN 'scoring' THEN CASE WHEN coalesce(req.requirements_held, true) THEN h.people ELSE 0 END
        WHEN 'count' THEN h.people
        ELSE 0 END AS credits
FROM held h
LEFT JOIN req ON req.solution_area = h.solution_area AND req.track = h.track AND req.metric = h.metric
    AND req.step = h.step AND req.partner_key = h.partner_key
;
-- Cross-metric prerequisite (Modern Work): each required metric needs at least one counted person.
CREATE OR REPLACE TABLE skill_requires AS
SELECT r.solution_area, r.track, r.metric, s.partner_key, bool_and(s.people > 0) AS requirements_held
FROM rb_requires_people r
JOIN skill_step s ON s.solution_area = r.solution_area AND s.track = r.track AND s.metric = r.required_metric
GROUP BY ALL
;
INSERT INTO measures
SELECT s.solution_area, s.track, s.metric, s.partner_key,
    sum(exact(s.credits))::DOUBLE AS value,
    coalesce(any_value(q.requirements_held), true) AS scorable,
    CASE WHEN m.rule = 'gated_steps' THEN sum(exact(s.step_points))::DOUBLE END AS points_raw,
    -- Sorted as a list of (key, value) pairs: an ORDER BY inside the aggregate is much slower.
    json_object('steps', list_transform(list_sort(list({'k': s.step, 'v': json_object('step', s.step, 'role', s.role, 'people', s.people,
        'held', CASE WHEN s.role IN ('gate', 'gate_and_points') THEN s.held END,
        'requirements_held', s.requirements_held, 'points', s.step_points)})), e -> e.v),
        'prerequisite_people_held', any_value(q.requirements_held))::VARCHAR
FROM skill_step s
JOIN rb_metric m ON m.solution_area = s.solution_area AND m.track = s.track AND m.metric = s.metric AND m.applicable
LEFT JOIN skill_requires q ON q.solution_area = s.solution_area AND q.track = s.track AND q.metric = s.metric AND q.partner_key = s.partner_key
GROUP BY s.solution_area, s.track, s.metric, s.partner_key, m.rule
