-- The rows behind every customer metric: one per partner x area x track x metric x tenant (x the
-- workload or service where the metric counts pairs or services, x the option or part where it
-- scores them separately). Families insert into customer_eligibility; eligibility_finish collects
-- the association types, which the export joins (the table is not copied to add a column: at
-- `large` it holds tens of millions of rows, and a second copy spilled to disk). Reason codes are
-- written only through the macro rc (macros.sql), so a test can find every code.
-- considered: the row enters the metric's computation (an option's tenants, the growth base set,
-- the tenants a count looks at); rows outside it are listed only to say why they do not count.
-- now_amount / base_amount: what the row adds to the current and base side of the measure (1 or 0
-- for counts, usage for growth); contribution = now_amount - base_amount.
CREATE OR REPLACE TABLE customer_eligibility (solution_area VARCHAR, track VARCHAR, metric VARCHAR, part VARCHAR,
    set_key VARCHAR, partner_key INTEGER, tenant_key INTEGER, workload VARCHAR, figures VARCHAR, considered BOOLEAN,
    counted_now BOOLEAN, reason_now VARCHAR, counted_base BOOLEAN, reason_base VARCHAR,
    now_amount DOUBLE, base_amount DOUBLE, contribution DOUBLE)
;
-- The customer metrics and the association sets they read (one per option or part).
CREATE OR REPLACE TABLE elig_metric_set AS
SELECT solution_area, track, metric, family, part, option, set_key FROM metric_set WHERE category <> 'skilling'
;
-- Sovereign-cloud tenants reached through an association of an accepted type, with usage in the
-- window in the family's usage table: listed, never counted.
INSERT INTO customer_eligibility
WITH sov AS (
    SELECT DISTINCT a.partner_key, a.tenant_key, a.association_type
    FROM associations a JOIN tenants t ON t.tenant_key = a.tenant_key AND t.cloud <> 'public'
),
used AS (
    SELECT DISTINCT 'azure' AS family, tenant_key FROM az_tm
    UNION ALL SELECT DISTINCT 'm365', tenant_key FROM m365_pairs
    UNION ALL SELECT DISTINCT 'business_applications', tenant_key FROM ba_pairs
)
SELECT DISTINCT ms.solution_area, ms.track, ms.metric, CASE WHEN ms.option <> '' THEN ms.option ELSE ms.part END,
    ms.set_key, s.partner_key, s.tenant_key, '', '{}', false,
    false, rc('sovereign_cloud'), false, rc('sovereign_cloud'), 0, 0, 0
FROM elig_metric_set ms
JOIN rb_assoc_set_type k ON k.set_key = ms.set_key
JOIN sov s ON s.association_type = k.association_type
JOIN used u ON u.tenant_key = s.tenant_key AND u.family = CASE
    WHEN ms.family = 'azure' OR (ms.family = 'security' AND ms.part = 'azure') THEN 'azure'
    WHEN ms.family IN ('modern_work', 'security') THEN 'm365'
    ELSE 'business_applications' END
