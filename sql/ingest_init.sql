CREATE OR REPLACE TABLE rejects (table_name VARCHAR, file VARCHAR, row_number BIGINT, reason VARCHAR, raw VARCHAR)
;
-- The usage months the run reads (S-23..S); rows outside are counted as out of window.
CREATE OR REPLACE TABLE ingest_window AS SELECT $wfrom::DATE AS wfrom, $wto::DATE AS wto
;
-- The files read, by position: names for messages about rows that only keep the position, and
-- size and modification time as hashed, to notice a file that changes before its last read.
CREATE OR REPLACE TABLE ingest_files (table_name VARCHAR, fidx INTEGER, file VARCHAR, path VARCHAR, bytes BIGINT, mtime_ns BIGINT)
;
-- Row counts per input file, and the months of the rows the metrics use with their row counts.
CREATE OR REPLACE TABLE ingest_account (table_name VARCHAR, fidx INTEGER, read BIGINT, accepted BIGINT,
    rejected BIGINT, out_of_window BIGINT, months STRUCT(month DATE, "rows" BIGINT)[])
