CREATE OR REPLACE TABLE rejects (table_name VARCHAR, file VARCHAR, row_number BIGINT, reason VARCHAR, raw VARCHAR)
