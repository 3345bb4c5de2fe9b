-- tenants: tenant_id required and unique; segment smb|enterprise; cloud public (default) | sovereign.
CREATE OR REPLACE TEMP VIEW val_tenants AS
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
;
-- chk_tenants: the rows with their outcome, duplicates of the key rejected (ingest_first_of_key.sql).
{{first_of_key}}
;
CREATE OR REPLACE TABLE tenants AS
-- tenant_key: a compact integer key the usage tables and metric SQL join on.
SELECT row_number() OVER (ORDER BY tenant_id)::INTEGER AS tenant_key, tenant_id, segment, cloud
FROM chk_tenants WHERE reason IS NULL
