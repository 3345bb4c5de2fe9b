-- Writes one output table to {{path}} as zstd Parquet in the query's order, in row groups of
-- ROW_GROUP_SIZE rows, with the run's provenance as footer key-value metadata (values bound as
-- parameters); RETURN_STATS gives rows and bytes.
COPY ({{query}}) TO {{path}} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {{row_group_size}},
    KV_METADATA {
        'capscore.table': $output_table,
        'capscore.snapshot_month': $month_label,
        'capscore.as_of': $as_of,
        'capscore.run_id': $run_id,
        'capscore.rubric_id': $rubric_id,
        'capscore.rubric_sha256': $rubric_sha256,
        'capscore.schema_version': $schema_version,
        'capscore.code_version': $code_version
    },
    RETURN_STATS)
