-- The first rejects of one input table, for the message of a reject rate over the limit.
-- Parameter: the table name.
SELECT file, row_number, reason FROM rejects WHERE table_name = ? ORDER BY file, row_number LIMIT 3
