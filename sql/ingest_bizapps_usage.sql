-- bizapps_usage: key (tenant_id, month, workload); workloads from the rubric catalogue.
CREATE OR REPLACE TEMP VIEW chk0_bizapps_usage AS
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
    SELECT v.*, t.tenant_key, reason0 IS NULL AND month NOT BETWEEN w.wfrom AND w.wto AS out_of_window,
        CASE WHEN reason0 IS NULL AND month BETWEEN w.wfrom AND w.wto AND t.tenant_key IS NULL
            THEN 'unknown tenant: ' || v.tenant_id ELSE reason0 END AS reason1
    FROM v CROSS JOIN ingest_window w LEFT JOIN tenants t ON t.tenant_id = v.tenant_id
)
SELECT _file, _row, s, tenant_key, month, workload, revenue_usd, active_users, reason1, out_of_window FROM r
;
-- The clean table: one pass keeps the first row of each key (file name, then row order) and counts the key's rows.
CREATE OR REPLACE TABLE bizapps_usage AS
SELECT tenant_key, month, workload,
    arg_min(revenue_usd, {'file': _file, 'row': _row}) AS revenue_usd, arg_min(active_users, {'file': _file, 'row': _row}) AS active_users,
    min({'file': _file, 'row': _row}) AS first, count(*) AS n
FROM chk0_bizapps_usage
WHERE reason1 IS NULL AND NOT out_of_window
GROUP BY ALL
;
CREATE OR REPLACE TABLE dups_bizapps_usage AS
SELECT tenant_key, month, workload, first FROM bizapps_usage WHERE n > 1
;
-- Every row with its outcome: later rows of a duplicated key are rejects.
CREATE OR REPLACE TEMP VIEW chk_bizapps_usage AS
SELECT _file, _row, reason, out_of_window, CASE WHEN reason IS NOT NULL THEN to_json(s)::VARCHAR END AS raw
FROM (
SELECT c._file, c._row, c.s, c.out_of_window,
    coalesce(c.reason1, CASE WHEN d.first IS NOT NULL AND {'file': c._file, 'row': c._row} <> d.first
        THEN 'duplicate key: first seen in ' || d.first.file || ' row ' || d.first.row END) AS reason
FROM chk0_bizapps_usage c
LEFT JOIN dups_bizapps_usage d ON NOT c.out_of_window AND c.reason1 IS NULL
    AND d.tenant_key = c.tenant_key AND d.month = c.month AND d.workload = c.workload
)
