-- Report: the column names of a published file.
SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet({{path}}))
