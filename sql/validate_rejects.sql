-- refresh validate --rejects FILE: every rejected input row for the supplier, in file order, to
-- {{path}} as CSV with a header or as zstd Parquet ({{format}}).
COPY (SELECT table_name, file, row_number, reason, raw FROM rejects ORDER BY table_name, file, row_number)
TO {{path}} ({{format}})
