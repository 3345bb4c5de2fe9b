-- Row accounting of one checked table per input file, in one pass: read = accepted + rejected +
-- out_of_window, and the months of the rows the metrics use (usage tables; the manifest's history).
INSERT INTO ingest_account
SELECT {{name}}, _fidx, count(*) AS read,
    count(*) FILTER (WHERE reason IS NULL AND NOT out_of_window) AS accepted,
    count(*) FILTER (WHERE reason IS NOT NULL) AS rejected,
    count(*) FILTER (WHERE reason IS NULL AND out_of_window) AS out_of_window,
    coalesce(list(DISTINCT usage_month) FILTER (WHERE usage_month IS NOT NULL), []) AS months
FROM {{table}}
GROUP BY _fidx
