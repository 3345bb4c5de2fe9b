-- Records one file of an input table by its position among the table's files. Parameters: table,
-- position, file name, path, size in bytes and modification time (ns) as hashed.
INSERT INTO ingest_files (table_name, fidx, file, path, bytes, mtime_ns) VALUES (?, ?, ?, ?, ?, ?)
