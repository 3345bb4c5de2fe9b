CREATE OR REPLACE VIEW {{name}} AS SELECT * FROM read_parquet({{glob}}, hive_partitioning = false, union_by_name = true);
