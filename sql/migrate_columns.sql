-- No rows: the caller reads the column names of one Parquet file ({{path}}) from the result.
SELECT * FROM read_parquet({{path}}, hive_partitioning = false) LIMIT 0
