-- A what-if run of one partner: one certification to leave out, compared as ingest reads the
-- columns (trimmed text, the code upper case). Parameters: person, certification.
INSERT INTO slice_drop VALUES (trim($person::VARCHAR), upper(trim($certification::VARCHAR)), 0)
