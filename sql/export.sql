-- Writes one output table to {{path}} as zstd Parquet, sorted; RETURN_STATS gives rows and bytes.
COPY ({{query}}) TO {{path}} (FORMAT parquet, COMPRESSION zstd, RETURN_STATS)
