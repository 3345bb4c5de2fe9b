-- Azure areas (Data & AI, Infrastructure, Digital & App Innovation): the tenants behind net customer
-- adds and usage growth, the tenant x service rows behind deployments. Attributed figures come
-- from az_pt / az_cov_t (metrics_azure.sql); the tenant's own usage from az_tm says why a tenant
-- with usage is not attributed.
CREATE OR REPLACE TABLE elig_az_metric AS
SELECT solution_area, track, metric, acr_floor, set_key FROM metric_set WHERE family = 'azure' AND category <> 'skilling'
;
-- Net customer adds: counted now when attributed ACR >= floor in S or S-1, at the base in S-12 or S-13.
INSERT INTO customer_eligibility
WITH raw AS (
    SELECT tenant_key,
        coalesce(sum(exact(acr)) FILTER (WHERE i = 23), 0)::DOUBLE AS s, coalesce(sum(exact(acr)) FILTER (WHERE i = 22), 0)::DOUBLE AS s1,
        coalesce(sum(exact(acr)) FILTER (WHERE i = 11), 0)::DOUBLE AS s12, coalesce(sum(exact(acr)) FILTER (WHERE i = 10), 0)::DOUBLE AS s13
    FROM az_tm WHERE i IN (10, 11, 22, 23) GROUP BY tenant_key
),
x AS (
    SELECT m.solution_area, m.track, m.metric, m.acr_floor AS f, m.set_key, c.partner_key, c.tenant_key, c.mask_any,
        coalesce(t.acr_s, 0) AS acr_s, coalesce(t.acr_s1, 0) AS acr_s1, coalesce(t.acr_s12, 0) AS acr_s12,
        coalesce(t.acr_s13, 0) AS acr_s13, r.s, r.s1, r.s12, r.s13
    FROM elig_az_metric m
    JOIN az_cov_t c ON c.set_key = m.set_key
    JOIN raw r ON r.tenant_key = c.tenant_key
    LEFT JOIN az_pt t ON t.set_key = c.set_key AND t.partner_key = c.partner_key AND t.tenant_key = c.tenant_key
    WHERE m.metric = 'net_customer_adds'
),
y AS (
    SELECT *, acr_s >= f OR acr_s1 >= f AS now_ok, acr_s12 >= f OR acr_s13 >= f AS base_ok FROM x
)
SELECT solution_area, track, metric, '', set_key, partner_key, tenant_key, '',
    json_object('acr_s', round(acr_s, 2), 'acr_s1', round(acr_s1, 2), 'acr_s12', round(acr_s12, 2), 'acr_s13', round(acr_s13, 2),
        'tenant_acr_s', round(s, 2), 'tenant_acr_s1', round(s1, 2), 'tenant_acr_s12', round(s12, 2), 'tenant_acr_s13', round(s13, 2),
        'acr_floor_usd', f)::VARCHAR,
    true,
    now_ok,
    CASE WHEN now_ok THEN NULL
         WHEN (s >= f AND NOT has_bit(mask_any, 23)) OR (s1 >= f AND NOT has_bit(mask_any, 22)) THEN rc('association_not_active')
         WHEN s >= f OR s1 >= f THEN rc('service_not_covered')
         ELSE rc('below_floor') END,
    base_ok,
    CASE WHEN base_ok THEN NULL
         WHEN (s12 >= f AND NOT has_bit(mask_any, 11)) OR (s13 >= f AND NOT has_bit(mask_any, 10)) THEN rc('association_not_active')
         WHEN s12 >= f OR s13 >= f THEN rc('service_not_covered')
         ELSE rc('below_floor') END,
    now_ok::INTEGER, base_ok::INTEGER, now_ok::INTEGER - base_ok::INTEGER
FROM y
;
-- Usage growth: the growth base set is the tenants covered in S or S-12; now = attributed ACR in S
-- (0 when not covered in S), base = attributed ACR in the base month (S-12, or the first covered
-- month after it). Tenants with usage in S or S-12 outside the set are listed as not counted.
INSERT INTO customer_eligibility
WITH used AS (
    SELECT tenant_key, list(i) AS months FROM az_tm WHERE i >= 11 GROUP BY tenant_key
),
x AS (
    SELECT m.solution_area, m.track, m.metric, m.set_key, c.partner_key, c.tenant_key, c.cov_s, c.cov_s12,
        c.cov_s OR c.cov_s12 AS in_g, c.base_idx,
        coalesce(t.acr_s, 0) AS acr_s, coalesce(t.acr_base, 0) AS acr_base, t.tenant_key IS NOT NULL AS attributed
    FROM elig_az_metric m
    JOIN az_cov_t c ON c.set_key = m.set_key
    LEFT JOIN used u ON u.tenant_key = c.tenant_key
    LEFT JOIN az_pt t ON t.set_key = c.set_key AND t.partner_key = c.partner_key AND t.tenant_key = c.tenant_key
    WHERE m.metric = 'usage_growth'
      AND (list_contains(u.months, 23) OR list_contains(u.months, 11) OR list_contains(u.months, c.base_idx)
           OR ((c.cov_s OR c.cov_s12) AND t.tenant_key IS NOT NULL))
)
SELECT solution_area, track, metric, '', set_key, x.partner_key, x.tenant_key, '',
    json_object('acr_s', round(acr_s, 2), 'acr_base', round(acr_base, 2),
        'base_month', CASE WHEN in_g THEN strftime(month_at(p.s23, base_idx), '%Y-%m') END,
        'covered_s', cov_s, 'covered_s12', cov_s12)::VARCHAR,
    unnest(growth_row(in_g, cov_s, rc('association_not_active'), rc('association_not_active'), acr_s, acr_base))
FROM x CROSS JOIN params p
;
-- Deployments: one row per tenant x service with usage in S-11..S; a service counts once per
-- partner when its attributed ACR over S-11..S, summed over tenants, is > 0 and it is not
-- excluded. The count is carried by the tenant with the most attributed ACR of the service (the
-- lowest tenant key among equals). The per-service sum and that tenant come from one grouping
-- joined back to the rows (a window over the rows sorted them all, with every column).
INSERT INTO customer_eligibility
WITH r AS (
    SELECT c.set_key, c.partner_key, c.tenant_key, ts.service, c.mask_any, c.mask_all,
        coalesce(list_sum(list_transform(range(12), j -> CASE WHEN has_bit(c.mask_all, j + 12) THEN ts.acr[j + 1] ELSE 0 END)), 0) AS acr_ttm,
        list_sum(ts.acr) AS tenant_ttm
    FROM az_cov_t c
    JOIN az_tenant_service ts ON ts.tenant_key = c.tenant_key
    WHERE c.set_key IN (SELECT set_key FROM elig_az_metric WHERE metric = 'deployments')
    UNION ALL
    SELECT w.set_key, w.partner_key, w.tenant_key, w.service, 0, 0, w.acr, 0
    FROM az_wl_rows w
    WHERE w.i >= 12 AND w.set_key IN (SELECT set_key FROM elig_az_metric WHERE metric = 'deployments')
),
g AS MATERIALIZED (
    SELECT set_key, partner_key, tenant_key, service, bit_or(mask_any) AS mask_any, bit_or(mask_all) AS mask_all,
        sum(exact(acr_ttm))::DOUBLE AS acr_ttm, sum(exact(tenant_ttm))::DOUBLE AS tenant_ttm
    FROM r GROUP BY ALL
),
-- One deployments metric per set, so within a (set, partner, service) each tenant has one row.
sv AS (
    SELECT set_key, partner_key, service, sum(exact(acr_ttm))::DOUBLE AS service_ttm,
        arg_max(tenant_key, struct_pack(a := acr_ttm, t := -tenant_key)) AS top_tenant
    FROM g GROUP BY ALL
),
x AS (
    SELECT m.solution_area, m.track, m.metric, g.*, sv.service_ttm, sv.top_tenant,
        coalesce(s.excluded_from_deployments, false) AS excluded
    FROM elig_az_metric m
    JOIN g ON g.set_key = m.set_key
    JOIN sv ON sv.set_key = g.set_key AND sv.partner_key = g.partner_key AND sv.service = g.service
    LEFT JOIN rb_service s ON s.name = g.service
    WHERE m.metric = 'deployments'
),
y AS (
    SELECT *, NOT excluded AND service_ttm > 0 AND tenant_key = top_tenant AS ok FROM x
)
SELECT solution_area, track, metric, '', set_key, partner_key, tenant_key, service,
    json_object('acr_ttm', round(acr_ttm, 2), 'tenant_acr_ttm', round(tenant_ttm, 2),
        'service_acr_ttm', round(service_ttm, 2))::VARCHAR,
    true,
    ok,
    CASE WHEN ok THEN NULL
         WHEN excluded THEN rc('excluded_service')
         -- Only single-service associations for other services are active in S-11..S.
         WHEN acr_ttm = 0 AND tenant_ttm > 0 AND (mask_all >> 12) & 4095 = 0 AND (mask_any >> 12) & 4095 <> 0
             THEN rc('service_not_covered')
         WHEN acr_ttm = 0 AND tenant_ttm > 0 THEN rc('association_not_active')
         WHEN acr_ttm <= 0 OR service_ttm <= 0 THEN rc('no_positive_usage')
         ELSE rc('service_counted_on_other_tenant') END,
    NULL, NULL,
    ok::INTEGER, 0, ok::INTEGER
FROM y
