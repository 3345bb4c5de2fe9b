-- Rewrites one table file of the old layout into its new place as zstd Parquet, in the same row
-- order, adding the provenance columns the old file lacks ({{extra}}: values from the month's
-- manifest, as parameters). COPY returns the number of rows written.
COPY (SELECT *{{extra}} FROM read_parquet({{src}}, hive_partitioning = false)) TO {{dest}} (FORMAT parquet, COMPRESSION zstd)
