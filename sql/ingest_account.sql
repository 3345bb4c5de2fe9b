-- Row accounting of one checked table, per input file: read = accepted + rejected + out_of_window.
SELECT _file, count(*) AS read,
    count(*) FILTER (WHERE reason IS NULL AND NOT out_of_window) AS accepted,
    count(*) FILTER (WHERE reason IS NOT NULL) AS rejected,
    count(*) FILTER (WHERE reason IS NULL AND out_of_window) AS out_of_window
FROM {{table}}
GROUP BY _file
