-- A what-if run of one partner: its certification rows (see ingest_slice_partner.sql) without those
-- of the person and code pairs in slice_drop, which records how many rows each one matched.
CREATE OR REPLACE TEMP TABLE slice_certifications_all AS
SELECT * FROM ({{source}}) s
WHERE cs_text(s.partner_id) IN (SELECT partner_id FROM slice_partner_id)
;
UPDATE slice_drop SET rows_dropped = (
    SELECT count(*) FROM slice_certifications_all c
    WHERE cs_text(c.person_id) = slice_drop.person_id AND upper(cs_text(c.certification)) = slice_drop.certification)
;
CREATE OR REPLACE TEMP TABLE slice_{{table}} AS
SELECT * FROM slice_certifications_all c
WHERE NOT EXISTS (
    SELECT 1 FROM slice_drop d
    WHERE d.person_id = cs_text(c.person_id) AND d.certification = upper(cs_text(c.certification)))
;
DROP TABLE slice_certifications_all
