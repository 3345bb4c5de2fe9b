-- A what-if run of one partner: the tenants its association rows name (in the input and the
-- overlay, whatever the rows' checks say), read before ingest so that the tenants and usage tables
-- keep only those. The source is the association files' rows, as ingest_associations reads them.
CREATE OR REPLACE TEMP TABLE slice_tenant_ids AS
SELECT DISTINCT cs_text(s.tenant_id) AS tenant_id
FROM ({{source}}) s
WHERE cs_text(s.partner_id) IN (SELECT partner_id FROM slice_partner_id) AND cs_text(s.tenant_id) IS NOT NULL
