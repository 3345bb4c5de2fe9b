-- Settings of each connection of the synthetic input generator. DuckDB runs with one thread, so a
-- statement runs on its connection's thread alone and writes rows in one fixed order (with several
-- threads the Parquet writer's row order depends on scheduling); the generator gets its parallelism
-- from several connections that each write their own files.
SET preserve_insertion_order = true
