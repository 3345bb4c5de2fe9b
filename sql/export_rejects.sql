SELECT $month_label AS snapshot_month, table_name, file, row_number, reason, raw
FROM rejects ORDER BY table_name, file, row_number, reason, raw
