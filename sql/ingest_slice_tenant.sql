-- A what-if run of one partner: the rows of an input table whose tenant is one the
-- partner's associations name (slice_tenant_ids), before any check (see ingest_slice_partner.sql).
CREATE OR REPLACE TEMP TABLE slice_{{table}} AS
SELECT * FROM ({{source}}) s
WHERE cs_text(s.tenant_id) IN (SELECT tenant_id FROM slice_tenant_ids)
