-- m365_usage: key (tenant_id, month, workload); workloads from the rubric catalogue.
CREATE OR REPLACE TABLE m365_usage_workload_rank AS
SELECT name, (dense_rank() OVER (ORDER BY name))::BIGINT AS rank FROM (SELECT DISTINCT name FROM rb_m365_workload)
;
CREATE OR REPLACE TEMP VIEW chk0_m365_usage AS
WITH v AS (
    SELECT s._file, s._fidx, s._row, s AS s,
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
SELECT _file, _fidx, _row, s, tenant_key, month, workload, paid_licenses, active_users, reason1, out_of_window,
    -- One integer per (tenant, month, workload): tenant key, absolute month, workload rank.
    (tenant_key::BIGINT << 28) | ((year(month) * 12 + month(month))::BIGINT << 10)
        | (SELECT rank FROM m365_usage_workload_rank wr WHERE wr.name = workload) AS key
FROM r
;
-- Accepted rows, with the key and position needed to find duplicates.
CREATE OR REPLACE TABLE m365_usage AS
SELECT tenant_key, month, workload, paid_licenses, active_users, key, _fidx, _row
FROM chk0_m365_usage
WHERE reason1 IS NULL AND NOT out_of_window
;
-- Keys seen more than once: the first row (file name, then row order) stays, the others are rejected.
CREATE OR REPLACE TABLE dups_m365_usage AS
WITH d AS (SELECT key FROM m365_usage GROUP BY key HAVING count(*) > 1)
SELECT key, _fidx, _row,
    row_number() OVER w AS rn, first_value(_fidx) OVER w AS first_fidx, first_value(_row) OVER w AS first_row
FROM m365_usage WHERE key IN (SELECT key FROM d)
WINDOW w AS (PARTITION BY key ORDER BY _fidx, _row)
;
DELETE FROM m365_usage USING dups_m365_usage d
WHERE m365_usage.key = d.key AND m365_usage._fidx = d._fidx AND m365_usage._row = d._row AND d.rn > 1
;
-- Every row with its outcome: later rows of a duplicated key are rejects.
CREATE OR REPLACE TEMP VIEW chk_m365_usage AS
SELECT _file, _row, reason, out_of_window, CASE WHEN reason IS NOT NULL THEN cs_raw(s) END AS raw
FROM (
SELECT c._file, c._row, c.s, c.out_of_window,
    coalesce(c.reason1, CASE WHEN d.rn > 1
        THEN 'duplicate key: first seen in ' || f.file || ' row ' || d.first_row END) AS reason
FROM chk0_m365_usage c
LEFT JOIN dups_m365_usage d ON d.key = c.key AND d._fidx = c._fidx AND d._row = c._row
LEFT JOIN ingest_files f ON f.table_name = 'm365_usage' AND f.fidx = d.first_fidx
)
