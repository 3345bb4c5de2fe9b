-- Explain: one partner's six areas of a month. {{columns}} is the wanted columns as text (NULL for a
-- column the file lacks), built from package explain's fixed lists.
SELECT {{columns}} FROM read_parquet({{path}}) WHERE partner_id = $partner ORDER BY solution_area
