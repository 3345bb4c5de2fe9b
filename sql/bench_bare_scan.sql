-- The benchmark's bare scan of one input table, the floor a full run is measured against: every
-- column the metrics read, read once with one aggregate. {{files}} is a UNION ALL BY NAME of one
-- SELECT per file, the one ingest reads the file with (the contract's columns under the same reader
-- options), {{filled}} the sum of a count per column (so that no column is left unread).
SELECT count(*), {{filled}} FROM ({{files}})
