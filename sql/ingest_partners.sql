-- partners: partner_id required and unique (the first in file and row order is kept).
CREATE OR REPLACE TABLE chk_partners AS
WITH v AS (
    SELECT s._file, s._fidx, s._row, s AS s,
        cs_text(s.partner_id) AS partner_id, cs_text(s.partner_name) AS partner_name,
        upper(cs_text(s.country)) AS country,
        cs_missing('partner_id', s.partner_id) AS reason0
    FROM ({{source}}) s
),
d AS (
    SELECT *,
        row_number() OVER w AS rn, first_value(_file) OVER w AS first_file, first_value(_row) OVER w AS first_row
    FROM v
    WINDOW w AS (PARTITION BY reason0 IS NULL, partner_id ORDER BY _file, _row)
)
SELECT _file, _fidx, _row, partner_id, partner_name, country,
    coalesce(reason0, CASE WHEN rn > 1 THEN 'duplicate key: first seen in ' || first_file || ' row ' || first_row END) AS reason,
    false AS out_of_window, NULL::DATE AS usage_month,
    CASE WHEN reason IS NOT NULL THEN cs_raw(s) END AS raw
FROM d
;
CREATE OR REPLACE TABLE partners AS
-- partner_key: a compact integer key the metric SQL joins on.
SELECT row_number() OVER (ORDER BY partner_id)::INTEGER AS partner_key, partner_id, partner_name, country
FROM chk_partners WHERE reason IS NULL
