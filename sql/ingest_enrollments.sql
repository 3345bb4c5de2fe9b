-- enrollments: key (partner_id, solution_area, enrolled_on).
CREATE OR REPLACE TABLE chk_enrollments AS
WITH v AS (
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
            CASE WHEN cs_date(s.ended_on) < cs_date(s.enrolled_on)
                THEN 'end before start: ended_on ' || cs_date(s.ended_on) || ' < enrolled_on ' || cs_date(s.enrolled_on) END,
            CASE WHEN cs_text(s.partner_id) NOT IN (SELECT partner_id FROM partners) THEN 'unknown partner: ' || cs_text(s.partner_id) END
        ) AS reason0
    FROM ({{source}}) s
),
d AS (
    SELECT *, row_number() OVER w AS rn, first_value(_file) OVER w AS first_file, first_value(_row) OVER w AS first_row
    FROM v
    WINDOW w AS (PARTITION BY reason0 IS NULL, partner_id, solution_area, enrolled_on ORDER BY _file, _row)
)
SELECT _file, _fidx, _row, partner_id, solution_area, enrolled_on, ended_on,
    coalesce(reason0, CASE WHEN rn > 1 THEN 'duplicate key: first seen in ' || first_file || ' row ' || first_row END) AS reason,
    false AS out_of_window, NULL::DATE AS usage_month,
    CASE WHEN reason IS NOT NULL THEN cs_raw(s) END AS raw
FROM d
;
CREATE OR REPLACE TABLE enrollments AS
SELECT p.partner_key, c.solution_area, c.enrolled_on, c.ended_on
FROM chk_enrollments c JOIN partners p ON p.partner_id = c.partner_id
WHERE c.reason IS NULL
