-- partners: partner_id required and unique (the first in file and row order is kept).
CREATE OR REPLACE TEMP VIEW val_partners AS
SELECT s._file, s._fidx, s._row, s AS s,
    cs_text(s.partner_id) AS partner_id, cs_text(s.partner_name) AS partner_name,
    upper(cs_text(s.country)) AS country,
    cs_missing('partner_id', s.partner_id) AS reason0
FROM ({{source}}) s
;
-- chk_partners: the rows with their outcome, duplicates of the key rejected (ingest_first_of_key.sql).
{{first_of_key}}
;
CREATE OR REPLACE TABLE partners AS
-- partner_key: a compact integer key the metric SQL joins on.
SELECT row_number() OVER (ORDER BY partner_id)::INTEGER AS partner_key, partner_id, partner_name, country
FROM chk_partners WHERE reason IS NULL
