-- Explain: the partners of a month and their names, to name the nearest ones to a partner that is
-- not there. {{name}} is partner_name, or NULL for a file without the column.
SELECT partner_id, any_value({{name}})::VARCHAR AS partner_name FROM read_parquet({{path}}) GROUP BY partner_id ORDER BY partner_id
