-- bizapps_usage: key (tenant_id, month, workload); workloads from the rubric catalogue.
CREATE OR REPLACE TABLE chk_bizapps_usage AS
WITH v AS (
    SELECT s._file, s._row, s AS s,
        cs_text(s.tenant_id) AS tenant_id, cs_month(s.month) AS month, cs_text(s.workload) AS workload,
        cs_num(s.revenue_usd) AS revenue_usd, cs_num(s.active_users) AS active_users,
        coalesce(
            cs_missing('tenant_id', s.tenant_id),
            cs_missing('month', s.month),
            cs_missing('workload', s.workload),
            cs_missing('revenue_usd', s.revenue_usd),
            cs_missing('active_users', s.active_users),
            cs_badtype('month', s.month, cs_month(s.month), 'month (YYYY-MM or date)'),
            cs_badtype('revenue_usd', s.revenue_usd, cs_num(s.revenue_usd), 'decimal'),
            cs_badtype('active_users', s.active_users, cs_num(s.active_users), 'decimal'),
            cs_badfinite('revenue_usd', s.revenue_usd, cs_num(s.revenue_usd)),
            cs_badfinite('active_users', s.active_users, cs_num(s.active_users)),
            cs_negative('active_users', cs_num(s.active_users)),
            cs_enum('workload', s.workload, cs_text(s.workload) IN (SELECT name FROM rb_bizapps_workload))
        ) AS reason0
    FROM ({{source}}) s
),
r AS (
    SELECT v.*, reason0 IS NULL AND month NOT BETWEEN $wfrom AND $wto AS out_of_window,
        CASE WHEN reason0 IS NULL AND month BETWEEN $wfrom AND $wto AND t.tenant_id IS NULL
            THEN 'unknown tenant: ' || v.tenant_id ELSE reason0 END AS reason1
    FROM v LEFT JOIN tenants t ON t.tenant_id = v.tenant_id
),
d AS (
    SELECT *, row_number() OVER w AS rn, first_value(_file) OVER w AS first_file, first_value(_row) OVER w AS first_row
    FROM r
    WINDOW w AS (PARTITION BY reason1 IS NULL AND NOT out_of_window, tenant_id, month, workload ORDER BY _file, _row)
)
SELECT _file, _row, tenant_id, month, workload, revenue_usd, active_users,
    coalesce(reason1, CASE WHEN rn > 1 AND NOT out_of_window THEN 'duplicate key: first seen in ' || first_file || ' row ' || first_row END) AS reason,
    out_of_window,
    CASE WHEN reason IS NOT NULL THEN to_json(s)::VARCHAR END AS raw
FROM d
;
CREATE OR REPLACE TABLE bizapps_usage AS
SELECT tenant_id, month, workload, revenue_usd, active_users
FROM chk_bizapps_usage WHERE reason IS NULL AND NOT out_of_window
