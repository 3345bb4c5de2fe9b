-- Row accounting of one checked table per input file, in one pass: read = accepted + rejected +
-- out_of_window, and the months of the rows the metrics use with their row counts (usage tables;
-- the manifest's history and the drift guard's per-month counts).
INSERT INTO ingest_account
WITH g AS (
    SELECT _fidx, usage_month, count(*) AS read,
        count(*) FILTER (WHERE reason IS NULL AND NOT out_of_window) AS accepted,
        count(*) FILTER (WHERE reason IS NOT NULL) AS rejected,
        count(*) FILTER (WHERE reason IS NULL AND out_of_window) AS out_of_window
    FROM {{table}}
    GROUP BY _fidx, usage_month
)
SELECT {{name}}, _fidx, sum(read)::BIGINT, sum(accepted)::BIGINT, sum(rejected)::BIGINT, sum(out_of_window)::BIGINT,
    coalesce(list({'month': usage_month, 'rows': read} ORDER BY usage_month) FILTER (WHERE usage_month IS NOT NULL), [])
FROM g
GROUP BY _fidx
