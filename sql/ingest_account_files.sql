-- One table's row accounting per file, by file name. Parameter: the table name.
SELECT f.file, a.read, a.accepted, a.rejected, a.out_of_window
FROM ingest_account a JOIN ingest_files f ON f.table_name = a.table_name AND f.fidx = a.fidx
WHERE a.table_name = ?
