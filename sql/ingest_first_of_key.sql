-- chk_{{table}}: the checked rows of a small table with a key, from its validated rows (the view
-- val_{{table}}: _file, _fidx, _row, the raw row s, the contract's columns parsed, and reason0, the
-- first failed check). Every row keeps its columns with its outcome; of the rows that passed the
-- checks, the first of each key ({{key}}; file name, then row order) is accepted and the later ones
-- are rejected as duplicates. A table and its key come from the contract's table list (stages).
CREATE OR REPLACE TABLE chk_{{table}} AS
WITH d AS (
    SELECT *, row_number() OVER w AS rn, first_value(_file) OVER w AS first_file, first_value(_row) OVER w AS first_row
    FROM val_{{table}}
    WINDOW w AS (PARTITION BY reason0 IS NULL, {{key}} ORDER BY _file, _row)
)
SELECT * EXCLUDE (s, reason0, rn, first_file, first_row),
    coalesce(reason0, CASE WHEN rn > 1 THEN 'duplicate key: first seen in ' || first_file || ' row ' || first_row END) AS reason,
    false AS out_of_window, NULL::DATE AS usage_month,
    CASE WHEN reason IS NOT NULL THEN cs_raw(s) END AS raw
FROM d
