-- Collects the rejected rows of one checked table.
INSERT INTO rejects
SELECT {{name}} AS table_name, f.file, c._row AS row_number, c.reason, c.raw
FROM {{table}} c
JOIN ingest_files f ON f.table_name = {{name}} AND f.fidx = c._fidx
WHERE c.reason IS NOT NULL
