-- certifications: key (partner_id, person_id, certification, earned_on); codes from the catalogue.
CREATE OR REPLACE TABLE chk_certifications AS
WITH v AS (
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
            CASE WHEN cs_date(s.expires_on) < cs_date(s.earned_on)
                THEN 'end before start: expires_on ' || cs_date(s.expires_on) || ' < earned_on ' || cs_date(s.earned_on) END,
            CASE WHEN cs_text(s.partner_id) NOT IN (SELECT partner_id FROM partners) THEN 'unknown partner: ' || cs_text(s.partner_id) END
        ) AS reason0
    FROM ({{source}}) s
),
d AS (
    SELECT *, row_number() OVER w AS rn, first_value(_file) OVER w AS first_file, first_value(_row) OVER w AS first_row
    FROM v
    WINDOW w AS (PARTITION BY reason0 IS NULL, partner_id, person_id, certification, earned_on ORDER BY _file, _row)
)
SELECT _file, _fidx, _row, partner_id, person_id, certification, earned_on, expires_on,
    coalesce(reason0, CASE WHEN rn > 1 THEN 'duplicate key: first seen in ' || first_file || ' row ' || first_row END) AS reason,
    false AS out_of_window, NULL::DATE AS usage_month,
    CASE WHEN reason IS NOT NULL THEN cs_raw(s) END AS raw
FROM d
;
CREATE OR REPLACE TABLE certifications AS
SELECT p.partner_key, c.person_id, c.certification, c.earned_on, c.expires_on
FROM chk_certifications c JOIN partners p ON p.partner_id = c.partner_id
WHERE c.reason IS NULL
