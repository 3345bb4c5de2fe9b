-- No rows: the caller reads the column names of one Parquet file from the result.
SELECT * FROM read_parquet(?) LIMIT 0
