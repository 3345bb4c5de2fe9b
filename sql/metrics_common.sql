-- Shared inputs of every metric family. Parameters: $s (snapshot month S, first day), $asof (A).
-- s23 is the first month of the window (macros.sql: window_months()).
CREATE OR REPLACE TABLE params AS
SELECT $s::DATE AS s,
    ($s::DATE - INTERVAL 1 MONTH)::DATE AS s1,
    ($s::DATE - INTERVAL 11 MONTH)::DATE AS s11,
    ($s::DATE - INTERVAL 12 MONTH)::DATE AS s12,
    ($s::DATE - INTERVAL 13 MONTH)::DATE AS s13,
    ($s::DATE - to_months(window_months() - 1))::DATE AS s23,
    $asof::DATE AS asof
;
-- An association is active in month m when start <= last day of m and (end is null or end >= first
-- day of m): the months from its start month to its end month. mask has bit i set for month S-23+i
-- (macros.sql). Only public-cloud tenants count.
CREATE OR REPLACE TABLE assoc_mask AS
WITH r AS (
    SELECT a.partner_key, a.tenant_key, a.association_type, a.workload,
        greatest(0, month_idx(date_trunc('month', a.start_date), p.s23)) AS lo,
        least(window_months() - 1, CASE WHEN a.end_date IS NULL THEN window_months() - 1
            ELSE month_idx(date_trunc('month', a.end_date), p.s23) END) AS hi
    FROM associations a
    JOIN tenants t ON t.tenant_key = a.tenant_key AND t.cloud = 'public'
    CROSS JOIN params p
)
SELECT partner_key, tenant_key, association_type, workload,
    ((1::BIGINT << (hi + 1)) - 1) - ((1::BIGINT << lo) - 1) AS mask, lo, hi
FROM r WHERE lo <= hi
;
-- Each (metric, part, option) names the set of association types it accepts; metrics sharing a
-- set share their coverage tables.
CREATE OR REPLACE TABLE rb_assoc_set AS
SELECT m.solution_area, m.track, m.metric, m.part, m.option, a.family,
    string_agg(m.association_type, ',' ORDER BY m.association_type) AS set_key
FROM rb_metric_assoc m JOIN rb_area a USING (solution_area)
GROUP BY ALL
;
CREATE OR REPLACE TABLE rb_assoc_set_type AS
SELECT DISTINCT set_key, unnest(string_split(set_key, ',')) AS association_type FROM rb_assoc_set
;
-- The applicable customer metrics with their area's family and each association set they read (one
-- row per set: per option, or per Security part): what the metric statements start from.
CREATE OR REPLACE TEMP VIEW metric_set AS
SELECT m.*, k.family, k.part, k.option, k.set_key
FROM rb_metric m
JOIN rb_assoc_set k ON k.solution_area = m.solution_area AND k.track = m.track AND k.metric = m.metric
WHERE m.applicable
;
-- Every family inserts its measures here. points_raw is set by non-linear rules (before cap and rounding);
-- scorable false forces 0 points (a prerequisite not met).
CREATE OR REPLACE TABLE measures (solution_area VARCHAR, track VARCHAR, metric VARCHAR, partner_key INTEGER,
    value DOUBLE, scorable BOOLEAN, points_raw DOUBLE, detail VARCHAR)
