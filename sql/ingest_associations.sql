-- associations: all six columns form the key; types from the rubric; partner and tenant must exist.
CREATE OR REPLACE TEMP VIEW val_associations AS
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
        cs_end_before_start('end_date', s.end_date, 'start_date', s.start_date),
        cs_unknown('partner', s.partner_id, cs_text(s.partner_id) IN (SELECT partner_id FROM partners)),
        cs_unknown('tenant', s.tenant_id, cs_text(s.tenant_id) IN (SELECT tenant_id FROM tenants))
    ) AS reason0
FROM ({{source}}) s
;
-- chk_associations: the rows with their outcome, duplicates of the key rejected (ingest_first_of_key.sql).
{{first_of_key}}
;
CREATE OR REPLACE TABLE associations AS
SELECT p.partner_key, t.tenant_key, c.association_type, c.workload, c.start_date, c.end_date
FROM chk_associations c
JOIN partners p ON p.partner_id = c.partner_id
JOIN tenants t ON t.tenant_id = c.tenant_id
WHERE c.reason IS NULL
