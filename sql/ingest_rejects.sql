-- Collects the rejected rows of one checked table.
INSERT INTO rejects
SELECT {{name}} AS table_name, _file AS file, _row AS row_number, reason, raw
FROM {{table}} WHERE reason IS NOT NULL
