CREATE OR REPLACE TABLE rejects (table_name VARCHAR, file VARCHAR, row_number BIGINT, reason VARCHAR, raw VARCHAR)
;
-- The usage months the run reads (S-23..S); rows outside are counted as out of window.
CREATE OR REPLACE TABLE ingest_window AS SELECT $wfrom::DATE AS wfrom, $wto::DATE AS wto
