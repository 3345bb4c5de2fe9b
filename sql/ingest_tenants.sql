-- tenants: tenant_id required and unique; segment smb|enterprise; cloud public (default) | sovereign.
CREATE OR REPLACE TABLE chk_tenants AS
WITH v AS (
    SELECT s._file, s._fidx, s._row, s AS s,
        cs_text(s.tenant_id) AS tenant_id,
        lower(cs_text(s.segment)) AS segment,
        coalesce(lower(cs_text(s.cloud)), 'public') AS cloud,
        coalesce(
            cs_missing('tenant_id', s.tenant_id),
            cs_missing('segment', s.segment),
            cs_enum('segment', s.segment, lower(cs_text(s.segment)) IN ('smb', 'enterprise')),
            cs_enum('cloud', s.cloud, lower(cs_text(s.cloud)) IN ('public', 'sovereign'))
        ) AS reason0
    FROM ({{source}}) s
),
d AS (
    SELECT *, row_number() OVER w AS rn, first_value(_file) OVER w AS first_file, first_value(_row) OVER w AS first_row
    FROM v
    WINDOW w AS (PARTITION BY reason0 IS NULL, tenant_id ORDER BY _file, _row)
)
SELECT _file, _fidx, _row, tenant_id, segment, cloud,
    coalesce(reason0, CASE WHEN rn > 1 THEN 'duplicate key: first seen in ' || first_file || ' row ' || first_row END) AS reason,
    false AS out_of_window, NULL::DATE AS usage_month,
    CASE WHEN reason IS NOT NULL THEN cs_raw(s) END AS raw
FROM d
;
CREATE OR REPLACE TABLE tenants AS
-- tenant_key: a compact integer key the usage tables and metric SQL join on.
SELECT row_number() OVER (ORDER BY tenant_id)::INTEGER AS tenant_key, tenant_id, segment, cloud
FROM chk_tenants WHERE reason IS NULL
