-- The state the recommendation planner starts from, for every area a partner has started (in progress,
-- qualified or enrolled): the area, the metrics of the tracks a change can select, the certified people
-- per step, the Azure figures the customer levers move, and the certifications about to stop counting.
CREATE OR REPLACE TABLE rs_area AS
SELECT a.partner_key, a.partner_id, a.solution_area, r.track_selection, a.track AS selected_track, a.status,
    a.total_points::DOUBLE AS total_points
FROM area_scores a
JOIN rb_area r ON r.solution_area = a.solution_area
WHERE a.status IN ('in_progress', 'qualified', 'enrolled')
;
-- Both tracks where the higher total selects the track; elsewhere the track the classification chose.
CREATE OR REPLACE TABLE rs_metric AS
SELECT m.partner_key, m.solution_area, m.track, m.metric, r.rule, m.max_points::DOUBLE AS max_points,
    r.threshold, r.base_minimum, r.acr_floor, m.value, m.points::DOUBLE AS points,
    -- Counts now and a year earlier: tenants (Azure), pairs or deployments (Business Applications).
    coalesce(json_extract(m.detail, '$.tenants_now'), json_extract(m.detail, '$.pairs_now'),
        json_extract(m.detail, '$.deployments_now'))::DOUBLE AS tenants_now,
    coalesce(json_extract(m.detail, '$.tenants_base'), json_extract(m.detail, '$.pairs_base'),
        json_extract(m.detail, '$.deployments_base'))::DOUBLE AS tenants_base,
    coalesce(g.acr_now, bg.mcv_now) AS acr_now, coalesce(g.acr_base, bg.mcv_base) AS acr_base,
    r.revenue_floor, r.mcv_floor,
    CASE WHEN m.metric = 'deployments' THEN json_extract_string(m.detail, '$.services[*]') END AS services,
    -- Security: the TTM security ACR a tenant needs to count (net customer adds) and the band a
    -- deployment's TTM is in.
    r.ttm_min, r.ttm_lo, coalesce(r.ttm_lo_excl, false) AS ttm_lo_excl, r.ttm_hi, coalesce(r.ttm_hi_excl, false) AS ttm_hi_excl,
    -- Modern Work: the band of paid licences a tenant of the track is in.
    r.lic_lo, coalesce(r.lic_lo_excl, false) AS lic_lo_excl, r.lic_hi, coalesce(r.lic_hi_excl, false) AS lic_hi_excl
FROM metric_scores m
JOIN rs_area a ON a.partner_key = m.partner_key AND a.solution_area = m.solution_area
    AND (a.track_selection = 'best_total' OR a.selected_track = m.track)
JOIN rb_metric r ON r.solution_area = m.solution_area AND r.track = m.track AND r.metric = m.metric
-- Azure usage growth: the exact sums behind the value (the detail has them rounded to cents).
LEFT JOIN metric_set s ON r.rule = 'linear' AND m.metric = 'usage_growth' AND s.family = 'azure'
    AND s.solution_area = m.solution_area AND s.track = m.track AND s.metric = m.metric
LEFT JOIN az_growth g ON g.set_key = s.set_key AND g.partner_key = m.partner_key
-- Business Applications usage growth: the exact MCV sums.
LEFT JOIN metric_set bs ON r.rule = 'linear' AND m.metric = 'usage_growth' AND bs.family = 'business_applications'
    AND bs.solution_area = m.solution_area AND bs.track = m.track AND bs.metric = m.metric
LEFT JOIN ba_growth bg ON bg.set_key = bs.set_key AND bg.partner_key = m.partner_key
ORDER BY m.partner_key, m.solution_area, m.track, m.metric
;
-- Certified people per step of every certification metric of those tracks (0 where none).
CREATE OR REPLACE TABLE rs_step AS
SELECT m.partner_key, s.solution_area, s.track, s.metric, s.step, s.role, s.min_people, s.points,
    s.points_per_person, coalesce(sp.people, 0) AS people,
    coalesce((SELECT list(q.required_step ORDER BY q.required_step) FROM rb_step_requires q
        WHERE q.solution_area = s.solution_area AND q.track = s.track AND q.metric = s.metric AND q.step = s.step), []) AS requires
FROM rs_metric m
JOIN rb_step s ON s.solution_area = m.solution_area AND s.track = m.track AND s.metric = m.metric
LEFT JOIN skill_people sp ON sp.partner_key = m.partner_key AND sp.solution_area = s.solution_area
    AND sp.track = s.track AND sp.metric = s.metric AND sp.step = s.step
ORDER BY m.partner_key, s.solution_area, s.track, s.metric, s.step
;
-- The certifications a person can earn for a step on the as-of date (not retired by then).
CREATE OR REPLACE TABLE rs_step_code AS
SELECT sc.solution_area, sc.track, sc.metric, sc.step, sc.code
FROM rb_step_cert sc
JOIN rb_cert c ON c.code = sc.code
CROSS JOIN params p
WHERE c.retires_on IS NULL OR c.retires_on > p.asof
ORDER BY sc.solution_area, sc.code, sc.track, sc.metric, sc.step
;
-- Metrics that need counted people in other metrics before they score (a prerequisite).
CREATE OR REPLACE TABLE rs_requires_people AS
SELECT solution_area, track, metric, required_metric FROM rb_requires_people
ORDER BY ALL
;
-- Azure areas: the tenant more usage would go on (covered by an all-service association in S, with a
-- growth base before S, so the base does not move; the one with the most ACR in S), the association
-- type and the service new usage uses (one excluded from deployments, so it moves no deployment).
CREATE OR REPLACE TABLE rs_azure AS
WITH k AS (
    SELECT a.partner_key, a.solution_area, a.selected_track AS track, s.set_key
    FROM rs_area a
    JOIN metric_set s ON s.solution_area = a.solution_area AND s.track = a.selected_track AND s.metric = 'usage_growth'
    WHERE a.track_selection = 'azure_classification'
),
cand AS (
    SELECT k.partner_key, k.solution_area, tn.tenant_id, t.acr_s, t.acr_s1
    FROM k
    JOIN az_cov_t c ON c.set_key = k.set_key AND c.partner_key = k.partner_key
    JOIN az_pt t ON t.set_key = c.set_key AND t.partner_key = c.partner_key AND t.tenant_key = c.tenant_key
    JOIN tenants tn ON tn.tenant_key = c.tenant_key
    WHERE has_bit(c.mask_all, 23) AND c.base_idx < 23 AND t.acr_s > 0
    QUALIFY row_number() OVER (PARTITION BY k.partner_key, k.solution_area ORDER BY t.acr_s DESC, tn.tenant_id) = 1
)
SELECT k.partner_key, k.solution_area, k.track,
    (SELECT min(association_type) FROM rb_assoc_set_type x WHERE x.set_key = k.set_key) AS association_type,
    c.tenant_id, c.acr_s, c.acr_s1
FROM k LEFT JOIN cand c ON c.partner_key = k.partner_key AND c.solution_area = k.solution_area
ORDER BY k.partner_key, k.solution_area
;
-- Services: one that counts for usage but not for deployments, and the ordinary services seen in the
-- input (candidates for a new deployment), by name.
CREATE OR REPLACE TABLE rs_service AS
SELECT name, excluded_from_deployments AS neutral FROM rb_service WHERE excluded_from_deployments
UNION ALL
SELECT DISTINCT u.service, false FROM azure_consumption u
-- The month's window only: a backfill's shared ingest holds more months, and a month must plan as
-- its single run does.
WHERE u.month BETWEEN (SELECT s23 FROM params) AND (SELECT s FROM params)
  AND u.service NOT IN (SELECT name FROM rb_service WHERE excluded_from_deployments OR security)
ORDER BY neutral DESC, name
;
-- Certifications that stop counting within the warning horizon: the input row (its earned_on) and,
-- per step of the partner's started areas, whether the person drops out of that step without it (no
-- other counted certification of the step). A certification also held in a later-expiring row of the
-- same person does not stop counting and is left out.
CREATE OR REPLACE TABLE rs_expiring AS
WITH rows AS (
    SELECT c.partner_key, c.person_id, c.certification, c.earned_on,
        least(c.expires_on, CASE WHEN r.retires_on IS NOT NULL THEN (r.retires_on + to_months(g.retired_grace_months))::DATE END) AS stops_counting
    FROM certifications c
    JOIN cert_counted cc ON cc.partner_key = c.partner_key AND cc.person_id = c.person_id AND cc.certification = c.certification
    JOIN rb_cert r ON r.code = c.certification
    CROSS JOIN params p CROSS JOIN rb_general g
    WHERE c.earned_on <= p.asof AND (c.expires_on IS NULL OR c.expires_on >= p.asof)
),
counted_rows AS (
    -- One counted row per person and certification (the one that lasts longest) ...
    SELECT * FROM rows
    QUALIFY row_number() OVER (PARTITION BY partner_key, person_id, certification
        ORDER BY stops_counting DESC NULLS FIRST, earned_on DESC) = 1
),
soon AS (
    -- ... when it stops within the horizon.
    SELECT x.* FROM counted_rows x CROSS JOIN params p CROSS JOIN rb_general g
    WHERE x.stops_counting IS NOT NULL AND x.stops_counting <= p.asof + g.expiry_warning_days
)
SELECT s.partner_key, s.person_id, s.certification, s.earned_on, s.stops_counting,
    sc.solution_area, sc.track, sc.metric, sc.step,
    NOT EXISTS (
        SELECT 1 FROM cert_counted o JOIN rb_step_cert oc ON oc.code = o.certification
        WHERE o.partner_key = s.partner_key AND o.person_id = s.person_id AND o.certification <> s.certification
          AND oc.solution_area = sc.solution_area AND oc.track = sc.track AND oc.metric = sc.metric AND oc.step = sc.step
    ) AS drops
FROM soon s
JOIN rb_step_cert sc ON sc.code = s.certification
JOIN rs_metric m ON m.partner_key = s.partner_key AND m.solution_area = sc.solution_area AND m.track = sc.track AND m.metric = sc.metric
ORDER BY s.partner_key, sc.solution_area, s.person_id, s.certification, sc.track, sc.metric, sc.step
;
-- Business Applications: the association type and workload of a new customer (a net-customer-adds
-- workload without a rate card, so it moves no usage or deployment) and of a new deployment (the
-- rate-card workload with the highest rate whose association group holds a customer-success type).
CREATE OR REPLACE TABLE rs_bizapps AS
WITH k AS (
    SELECT a.partner_key, a.solution_area, a.selected_track AS track,
        (SELECT set_key FROM metric_set s WHERE s.solution_area = a.solution_area AND s.track = a.selected_track
            AND s.metric = 'net_customer_adds') AS nca_set,
        (SELECT set_key FROM metric_set s WHERE s.solution_area = a.solution_area AND s.track = a.selected_track
            AND s.metric = 'deployments') AS dep_set
    FROM rs_area a
    WHERE a.track_selection = 'business_applications_classification'
),
dep AS (
    SELECT k.partner_key, w.name AS workload, w.mcv_rate, min(t.association_type) AS association_type
    FROM k
    JOIN rb_assoc_set_type t ON t.set_key = k.dep_set
    JOIN rb_assoc_group g ON g.solution_area = k.solution_area AND g.association_type = t.association_type
    JOIN rb_bizapps_workload w ON w.association_group = g.group_name AND w.mcv_rate IS NOT NULL
    GROUP BY k.partner_key, w.name, w.mcv_rate
    QUALIFY row_number() OVER (PARTITION BY k.partner_key ORDER BY w.mcv_rate DESC, w.name) = 1
)
SELECT k.partner_key, k.solution_area, k.track,
    (SELECT min(association_type) FROM rb_assoc_set_type x WHERE x.set_key = k.nca_set) AS nca_association_type,
    (SELECT min(name) FROM rb_bizapps_workload WHERE net_customer_adds AND mcv_rate IS NULL) AS nca_workload,
    d.association_type AS deploy_association_type, d.workload AS deploy_workload, d.mcv_rate AS deploy_rate
FROM k LEFT JOIN dep d ON d.partner_key = k.partner_key
ORDER BY k.partner_key, k.solution_area
;
-- Security: the association type and service of a new customer's Azure part (a tenant with security
-- ACR in S only, so its growth base is S and it moves no usage growth).
CREATE OR REPLACE TABLE rs_security AS
SELECT a.partner_key, a.solution_area,
    (SELECT min(t.association_type) FROM rb_assoc_set k JOIN rb_assoc_set_type t ON t.set_key = k.set_key
        WHERE k.solution_area = a.solution_area AND k.track = a.selected_track AND k.metric = 'net_customer_adds'
          AND k.part = 'azure') AS association_type,
    (SELECT min(name) FROM rb_service WHERE security) AS service
FROM rs_area a
JOIN rb_area r ON r.solution_area = a.solution_area AND r.family = 'security'
ORDER BY a.partner_key, a.solution_area
;
-- Modern Work: the association type and workload of a new customer: a tenant with paid licences in
-- the selected track's band and no active users, on a Modern Work workload that Security does not
-- read. It counts for net customer adds; its usage growth base is S and it is not deployed.
CREATE OR REPLACE TABLE rs_modern_work AS
SELECT a.partner_key, a.solution_area,
    (SELECT min(t.association_type) FROM rb_assoc_set k JOIN rb_assoc_set_type t ON t.set_key = k.set_key
        WHERE k.solution_area = a.solution_area AND k.track = a.selected_track AND k.metric = 'net_customer_adds') AS association_type,
    (SELECT min(w.name) FROM rb_m365_workload w WHERE w.set_name = 'modern_work'
        AND w.name NOT IN (SELECT name FROM rb_m365_workload WHERE set_name = 'security')) AS workload
FROM rs_area a
JOIN rb_area r ON r.solution_area = a.solution_area AND r.family = 'modern_work'
ORDER BY a.partner_key, a.solution_area
;
-- Modern Work usage growth and deployments per association option: the counts behind each option's
-- measure (users or deployments now and at the base) and its threshold.
CREATE OR REPLACE TABLE rs_mw_option AS
SELECT g.partner_key, g.solution_area, g.track, g.metric, g.option, g.threshold,
    g.users_now::DOUBLE AS now, g.users_base::DOUBLE AS base
FROM mw_ug_option g JOIN rs_area a ON a.partner_key = g.partner_key AND a.solution_area = g.solution_area
UNION ALL
SELECT d.partner_key, d.solution_area, d.track, d.metric, d.option, d.threshold,
    d.deployments_now::DOUBLE, d.deployments_base::DOUBLE
FROM mw_dep_option d JOIN rs_area a ON a.partner_key = d.partner_key AND a.solution_area = d.solution_area
ORDER BY ALL
;
-- Modern Work: the activation workload, read by usage growth and deployments only (so more active
-- users on it move no licence band and no net customer add), and per option set the coverage of that
-- workload for each tenant of the partner's started Modern Work areas: associations that cover every
-- workload or that one.
CREATE OR REPLACE TABLE rs_mw_wmask AS
WITH w AS (
    SELECT min(name) AS workload FROM rb_m365_workload
    WHERE set_name = 'modern_work_customer_success'
      AND name NOT IN (SELECT name FROM rb_m365_workload WHERE set_name IN ('modern_work', 'security'))
),
area AS (
    SELECT a.partner_key, a.solution_area FROM rs_area a
    JOIN rb_area r ON r.solution_area = a.solution_area AND r.family = 'modern_work'
)
SELECT m.solution_area, m.track, m.metric, m.option, m.band_key, a.partner_key, a.tenant_key, w.workload,
    bit_or(a.mask) AS mask
FROM mw_metric m
JOIN area ON area.solution_area = m.solution_area
JOIN rb_assoc_set_type s ON s.set_key = m.set_key
JOIN assoc_mask a ON a.association_type = s.association_type AND a.partner_key = area.partner_key
CROSS JOIN w
-- A rubric with no such workload gets no activation rows.
WHERE m.metric IN ('usage_growth', 'deployments') AND w.workload IS NOT NULL
  AND (a.workload IS NULL OR a.workload = w.workload)
GROUP BY ALL
;
-- Tenants with rows of the activation workload in the window: a row in S would repeat a key, and
-- earlier rows would move the growth base. They get no activation rows.
CREATE OR REPLACE TABLE rs_mw_busy AS
SELECT DISTINCT u.tenant_key FROM m365_usage u, params p
WHERE u.workload = (SELECT any_value(workload) FROM rs_mw_wmask) AND u.month BETWEEN p.s23 AND p.s
;
-- Usage growth options the activation workload's users add to, per tenant and track: eligible in S,
-- covered in S by an association of the option, with a growth base before S (the new rows' base is
-- then 0).
CREATE OR REPLACE TABLE rs_mw_growable AS
SELECT k.solution_area, k.track, k.option, k.partner_key, k.tenant_key
FROM rs_mw_wmask k
JOIN (SELECT * FROM m365_elig WHERE month = (SELECT s FROM params)) e ON e.band_key = k.band_key AND e.tenant_key = k.tenant_key
WHERE k.metric = 'usage_growth' AND has_bit(k.mask, 23) AND base_idx(k.mask) < 23
  AND k.tenant_key NOT IN (SELECT tenant_key FROM rs_mw_busy)
;
-- Modern Work: existing customers that more active users would make deployments. Per tenant and
-- track: the users (enough for every option on both tracks), the deployment options it would count
-- in (eligible in S, not deployed, not excluded as already deployed when first covered after S-12,
-- the activation workload covered in S) and the usage growth options the users add to.
CREATE OR REPLACE TABLE rs_mw_tenant AS
WITH share AS (
    -- Active users and paid licences in S over the pairs each deployment option covers then.
    SELECT c.solution_area, c.track, c.option, c.partner_key, c.tenant_key, any_value(c.active_share_min) AS share_min,
        sum(u.active_users) AS active, sum(u.paid_licenses) AS paid
    FROM mw_opt_pairs c
    JOIN (SELECT * FROM m365_usage WHERE month = (SELECT s FROM params)) u ON u.tenant_key = c.tenant_key AND u.workload = c.workload
    WHERE c.metric = 'deployments' AND has_bit(c.mask, 23)
      AND c.partner_key IN (SELECT partner_key FROM rs_mw_wmask)
    GROUP BY ALL
),
dep AS (
    SELECT t.solution_area, t.track, t.option, t.partner_key, t.tenant_key,
        (ceil(sh.share_min * sh.paid) - sh.active)::BIGINT AS users
    FROM mw_dep_tenant t
    JOIN share sh USING (solution_area, track, option, partner_key, tenant_key)
    JOIN rs_mw_wmask k ON k.solution_area = t.solution_area AND k.track = t.track AND k.metric = 'deployments'
        AND k.option = t.option AND k.partner_key = t.partner_key AND k.tenant_key = t.tenant_key AND has_bit(k.mask, 23)
    WHERE t.i = 23 AND t.eligible AND NOT t.deployed AND sh.paid > 0
      AND t.tenant_key NOT IN (SELECT tenant_key FROM rs_mw_busy)
      AND (t.first_idx <= 11 OR (t.first_idx < 23 AND NOT EXISTS (
          SELECT 1 FROM mw_dep_tenant f
          WHERE f.solution_area = t.solution_area AND f.track = t.track AND f.option = t.option
            AND f.partner_key = t.partner_key AND f.tenant_key = t.tenant_key AND f.i = f.first_idx AND f.deployed)))
),
cand AS (
    SELECT partner_key, solution_area, tenant_key, max(users) AS users FROM dep GROUP BY ALL
),
tracks AS (
    SELECT DISTINCT c.partner_key, c.solution_area, c.tenant_key, c.users, m.track
    FROM cand c JOIN rs_metric m ON m.partner_key = c.partner_key AND m.solution_area = c.solution_area
)
SELECT x.partner_key, x.solution_area, x.tenant_key, tn.tenant_id, x.track, x.users,
    coalesce((SELECT list(d.option ORDER BY d.option) FROM dep d WHERE d.partner_key = x.partner_key
        AND d.solution_area = x.solution_area AND d.tenant_key = x.tenant_key AND d.track = x.track), []) AS deploy_options,
    coalesce((SELECT list(g.option ORDER BY g.option) FROM rs_mw_growable g WHERE g.partner_key = x.partner_key
        AND g.solution_area = x.solution_area AND g.tenant_key = x.tenant_key AND g.track = x.track), []) AS growth_options,
    (SELECT any_value(workload) FROM rs_mw_wmask) AS workload
FROM tracks x JOIN tenants tn ON tn.tenant_key = x.tenant_key
ORDER BY x.partner_key, x.solution_area, x.users, tn.tenant_id, x.track
;
-- Modern Work usage growth on its own: one existing customer more active users go on, among those
-- that no number of users makes a deployment (not in rs_mw_tenant), so the users move usage growth
-- only; the one in the most options of the selected track's usage growth, then by tenant id. Per
-- track, the options the users add to.
CREATE OR REPLACE TABLE rs_mw_grow AS
WITH free AS (
    SELECT g.* FROM rs_mw_growable g
    WHERE NOT EXISTS (SELECT 1 FROM rs_mw_tenant c WHERE c.partner_key = g.partner_key
        AND c.solution_area = g.solution_area AND c.tenant_key = g.tenant_key)
),
pick AS (
    SELECT f.partner_key, f.solution_area, f.tenant_key
    FROM free f JOIN rs_area a ON a.partner_key = f.partner_key AND a.solution_area = f.solution_area AND a.selected_track = f.track
    JOIN tenants tn ON tn.tenant_key = f.tenant_key
    GROUP BY f.partner_key, f.solution_area, f.tenant_key, tn.tenant_id
    QUALIFY row_number() OVER (PARTITION BY f.partner_key, f.solution_area ORDER BY count(*) DESC, tn.tenant_id) = 1
)
SELECT p.partner_key, p.solution_area, tn.tenant_id, f.track, list(f.option ORDER BY f.option) AS growth_options,
    (SELECT any_value(workload) FROM rs_mw_wmask) AS workload
FROM pick p
JOIN free f ON f.partner_key = p.partner_key AND f.solution_area = p.solution_area AND f.tenant_key = p.tenant_key
JOIN tenants tn ON tn.tenant_key = p.tenant_key
GROUP BY ALL
ORDER BY p.partner_key, p.solution_area, f.track
