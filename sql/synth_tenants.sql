-- tenants: one row per customer tenant of the chunk.
COPY (
    SELECT tenant_id, segment, cloud
    FROM synth_tenant_chunk
) TO {{path}} (FORMAT parquet, COMPRESSION zstd)
