-- A what-if run of one partner: the rows of an input table that name the partner (partner_id
-- as ingest reads it), before any check, so that the checks, the rejects and the row accounting are
-- those of the partner's rows. Held as a table: the checks and the metrics then read the partner's
-- few rows, not the files again. The source is the table's rows as ingest reads them.
CREATE OR REPLACE TEMP TABLE slice_{{table}} AS
SELECT * FROM ({{source}}) s
WHERE cs_text(s.partner_id) IN (SELECT partner_id FROM slice_partner_id)
