-- enrollments: key (partner_id, solution_area, enrolled_on).
CREATE OR REPLACE TEMP VIEW val_enrollments AS
SELECT s._file, s._fidx, s._row, s AS s,
    cs_text(s.partner_id) AS partner_id, lower(cs_text(s.solution_area)) AS solution_area,
    cs_date(s.enrolled_on) AS enrolled_on, cs_date(s.ended_on) AS ended_on,
    coalesce(
        cs_missing('partner_id', s.partner_id),
        cs_missing('solution_area', s.solution_area),
        cs_missing('enrolled_on', s.enrolled_on),
        cs_badtype('enrolled_on', s.enrolled_on, cs_date(s.enrolled_on), 'date'),
        cs_badtype('ended_on', s.ended_on, cs_date(s.ended_on), 'date'),
        cs_enum('solution_area', s.solution_area, lower(cs_text(s.solution_area)) IN (SELECT solution_area FROM rb_area)),
        cs_end_before_start('ended_on', s.ended_on, 'enrolled_on', s.enrolled_on),
        cs_unknown('partner', s.partner_id, cs_text(s.partner_id) IN (SELECT partner_id FROM partners))
    ) AS reason0
FROM ({{source}}) s
;
-- chk_enrollments: the rows with their outcome, duplicates of the key rejected (ingest_first_of_key.sql).
{{first_of_key}}
;
CREATE OR REPLACE TABLE enrollments AS
SELECT p.partner_key, c.solution_area, c.enrolled_on, c.ended_on
FROM chk_enrollments c JOIN partners p ON p.partner_id = c.partner_id
WHERE c.reason IS NULL
