-- Report: rejected input rows per table and reason (the reason's text before its first colon, so
-- "unknown tenant: T9" and "unknown tenant: T7" count together), with one full reason as example.
SELECT table_name, split_part(reason, ':', 1) AS reason, count(*) AS n, min(reason) AS example
FROM read_parquet({{rejects}})
GROUP BY ALL
ORDER BY n DESC, table_name, reason
