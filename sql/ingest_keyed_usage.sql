-- The rows of a keyed usage table ({{table}}, validated by val_{{table}}: the table's own file)
-- and their duplicate-key check: the accepted rows are kept with their integer key and position,
-- keys seen more than once are found by one grouping, and the later rows of each such key are
-- removed and reported as rejects by the chk_{{table}} view. {{values}} are the table's value
-- columns, {{workloads}} the rubric catalogue of its workloads.
CREATE OR REPLACE TABLE {{table}}_workload_rank AS
SELECT name, (dense_rank() OVER (ORDER BY name))::BIGINT AS rank FROM (SELECT DISTINCT name FROM {{workloads}})
;
CREATE OR REPLACE TEMP VIEW chk0_{{table}} AS
SELECT _fidx, _row, s, tenant_key, month, workload, {{values}}, reason1, out_of_window,
    -- One integer per (tenant, month, workload): tenant key, absolute month, workload rank.
    (tenant_key::BIGINT << 28) | ((year(month) * 12 + month(month))::BIGINT << 10)
        | (SELECT rank FROM {{table}}_workload_rank wr WHERE wr.name = workload) AS key
FROM cs_usage_rows('val_{{table}}')
;
-- Accepted rows, with the key and position needed to find duplicates.
CREATE OR REPLACE TABLE {{table}} AS
SELECT tenant_key, month, workload, {{values}}, key, _fidx, _row
FROM chk0_{{table}}
WHERE reason1 IS NULL AND NOT out_of_window
;
-- Keys seen more than once: the first row (file name, then row order) stays, the others are rejected.
CREATE OR REPLACE TABLE dups_{{table}} AS
WITH d AS (SELECT key FROM {{table}} GROUP BY key HAVING count(*) > 1)
SELECT key, _fidx, _row,
    row_number() OVER w AS rn, first_value(_fidx) OVER w AS first_fidx, first_value(_row) OVER w AS first_row
FROM {{table}} WHERE key IN (SELECT key FROM d)
WINDOW w AS (PARTITION BY key ORDER BY _fidx, _row)
;
DELETE FROM {{table}} USING dups_{{table}} d
WHERE {{table}}.key = d.key AND {{table}}._fidx = d._fidx AND {{table}}._row = d._row AND d.rn > 1
;
-- Every row with its outcome: later rows of a duplicated key are rejects.
CREATE OR REPLACE TEMP VIEW chk_{{table}} AS
SELECT _fidx, _row, reason, out_of_window, CASE WHEN reason IS NULL AND NOT out_of_window THEN month END AS usage_month,
    CASE WHEN reason IS NOT NULL THEN cs_raw(s) END AS raw
FROM (
SELECT c._fidx, c._row, c.s, c.out_of_window, c.month,
    coalesce(c.reason1, CASE WHEN d.rn > 1
        THEN 'duplicate key: first seen in ' || f.file || ' row ' || d.first_row END) AS reason
FROM chk0_{{table}} c
LEFT JOIN dups_{{table}} d ON d.key = c.key AND d._fidx = c._fidx AND d._row = c._row
LEFT JOIN ingest_files f ON f.table_name = {{name}} AND f.fidx = d.first_fidx
)
;
-- The key and position were only needed for the check; the table the metrics read keeps its values.
ALTER TABLE {{table}} DROP COLUMN key
;
ALTER TABLE {{table}} DROP COLUMN _fidx
;
ALTER TABLE {{table}} DROP COLUMN _row
