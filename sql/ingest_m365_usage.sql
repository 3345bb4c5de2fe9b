-- m365_usage: key (tenant_id, month, workload); workloads from the rubric catalogue.
CREATE OR REPLACE TABLE m365_usage_workload_rank AS
SELECT name, (dense_rank() OVER (ORDER BY name))::BIGINT AS rank FROM (SELECT DISTINCT name FROM rb_m365_workload)
;
CREATE OR REPLACE TEMP VIEW chk0_m365_usage AS
WITH v AS (
    SELECT s._fidx, s._row, s AS s,
        cs_text(s.tenant_id) AS tenant_id, cs_month(s.month) AS month, cs_text(s.workload) AS workload,
        cs_int(s.paid_licenses) AS paid_licenses, cs_int(s.active_users) AS active_users,
        coalesce(
            cs_missing('tenant_id', s.tenant_id),
            cs_missing('month', s.month),
            cs_missing('workload', s.workload),
            cs_missing('paid_licenses', s.paid_licenses),
            cs_missing('active_users', s.active_users),
            cs_badtype('month', s.month, cs_month(s.month), 'month (YYYY-MM or date)'),
            cs_badtype('paid_licenses', s.paid_licenses, cs_int(s.paid_licenses), 'integer'),
            cs_badtype('active_users', s.active_users, cs_int(s.active_users), 'integer'),
            cs_negative('paid_licenses', cs_int(s.paid_licenses)),
            cs_negative('active_users', cs_int(s.active_users)),
            cs_enum('workload', s.workload, cs_text(s.workload) IN (SELECT name FROM rb_m365_workload))
        ) AS reason0
    FROM ({{source}}) s
),
r AS (
    SELECT v.*, t.tenant_key, reason0 IS NULL AND month NOT BETWEEN w.wfrom AND w.wto AS out_of_window,
        CASE WHEN reason0 IS NULL AND month BETWEEN w.wfrom AND w.wto AND t.tenant_key IS NULL
            THEN 'unknown tenant: ' || v.tenant_id ELSE reason0 END AS reason1
    FROM v CROSS JOIN ingest_window w LEFT JOIN tenants t ON t.tenant_id = v.tenant_id
)
SELECT _fidx, _row, s, tenant_key, month, workload, paid_licenses, active_users, reason1, out_of_window,
    -- One integer per (tenant, month, workload): tenant key, absolute month, workload rank.
    (tenant_key::BIGINT << 28) | ((year(month) * 12 + month(month))::BIGINT << 10)
        | (SELECT rank FROM m365_usage_workload_rank wr WHERE wr.name = workload) AS key
FROM r
