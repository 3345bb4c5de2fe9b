-- certifications: key (partner_id, person_id, certification, earned_on); codes from the catalogue.
CREATE OR REPLACE TEMP VIEW val_certifications AS
SELECT s._file, s._fidx, s._row, s AS s,
    cs_text(s.partner_id) AS partner_id, cs_text(s.person_id) AS person_id,
    upper(cs_text(s.certification)) AS certification,
    cs_date(s.earned_on) AS earned_on, cs_date(s.expires_on) AS expires_on,
    coalesce(
        cs_missing('partner_id', s.partner_id),
        cs_missing('person_id', s.person_id),
        cs_missing('certification', s.certification),
        cs_missing('earned_on', s.earned_on),
        cs_badtype('earned_on', s.earned_on, cs_date(s.earned_on), 'date'),
        cs_badtype('expires_on', s.expires_on, cs_date(s.expires_on), 'date'),
        cs_enum('certification', s.certification, upper(cs_text(s.certification)) IN (SELECT code FROM rb_cert)),
        cs_end_before_start('expires_on', s.expires_on, 'earned_on', s.earned_on),
        cs_unknown('partner', s.partner_id, cs_text(s.partner_id) IN (SELECT partner_id FROM partners))
    ) AS reason0
FROM ({{source}}) s
;
-- chk_certifications: the rows with their outcome, duplicates of the key rejected (ingest_first_of_key.sql).
{{first_of_key}}
;
CREATE OR REPLACE TABLE certifications AS
SELECT p.partner_key, c.person_id, c.certification, c.earned_on, c.expires_on
FROM chk_certifications c JOIN partners p ON p.partner_id = c.partner_id
WHERE c.reason IS NULL
