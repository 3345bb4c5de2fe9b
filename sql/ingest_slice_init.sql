-- A what-if run of one partner (refresh simulate): the partner whose rows ingest keeps, and the
-- certifications of that partner it leaves out (filled by ingest_slice_drop; rows_dropped counts
-- the input rows each one matched). Parameter: partner.
CREATE OR REPLACE TEMP TABLE slice_partner_id AS SELECT $partner::VARCHAR AS partner_id
;
CREATE OR REPLACE TEMP TABLE slice_drop (person_id VARCHAR, certification VARCHAR, rows_dropped BIGINT)
