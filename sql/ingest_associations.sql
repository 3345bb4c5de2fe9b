-- associations: all six columns form the key; types from the rubric; partner and tenant must exist.
CREATE OR REPLACE TABLE chk_associations AS
WITH v AS (
    SELECT s._file, s._fidx, s._row, s AS s,
        cs_text(s.partner_id) AS partner_id, cs_text(s.tenant_id) AS tenant_id,
        upper(cs_text(s.association_type)) AS association_type, cs_text(s.workload) AS workload,
        cs_date(s.start_date) AS start_date, cs_date(s.end_date) AS end_date,
        coalesce(
            cs_missing('partner_id', s.partner_id),
            cs_missing('tenant_id', s.tenant_id),
            cs_missing('association_type', s.association_type),
            cs_missing('start_date', s.start_date),
            cs_badtype('start_date', s.start_date, cs_date(s.start_date), 'date'),
            cs_badtype('end_date', s.end_date, cs_date(s.end_date), 'date'),
            cs_enum('association_type', s.association_type,
                upper(cs_text(s.association_type)) IN (SELECT association_type FROM rb_association_type)),
            CASE WHEN cs_date(s.end_date) < cs_date(s.start_date)
                THEN 'end before start: end_date ' || cs_date(s.end_date) || ' < start_date ' || cs_date(s.start_date) END,
            CASE WHEN cs_text(s.partner_id) NOT IN (SELECT partner_id FROM partners) THEN 'unknown partner: ' || cs_text(s.partner_id) END,
            CASE WHEN cs_text(s.tenant_id) NOT IN (SELECT tenant_id FROM tenants) THEN 'unknown tenant: ' || cs_text(s.tenant_id) END
        ) AS reason0
    FROM ({{source}}) s
),
d AS (
    SELECT *, row_number() OVER w AS rn, first_value(_file) OVER w AS first_file, first_value(_row) OVER w AS first_row
    FROM v
    WINDOW w AS (PARTITION BY reason0 IS NULL, partner_id, tenant_id, association_type, workload, start_date, end_date ORDER BY _file, _row)
)
SELECT _file, _fidx, _row, partner_id, tenant_id, association_type, workload, start_date, end_date,
    coalesce(reason0, CASE WHEN rn > 1 THEN 'duplicate key: first seen in ' || first_file || ' row ' || first_row END) AS reason,
    false AS out_of_window, NULL::DATE AS usage_month,
    CASE WHEN reason IS NOT NULL THEN cs_raw(s) END AS raw
FROM d
;
CREATE OR REPLACE TABLE associations AS
SELECT p.partner_key, t.tenant_key, c.association_type, c.workload, c.start_date, c.end_date
FROM chk_associations c
JOIN partners p ON p.partner_id = c.partner_id
JOIN tenants t ON t.tenant_id = c.tenant_id
WHERE c.reason IS NULL
