-- Parsing helpers shared by the ingest statements. Every raw value arrives as text (CSV) or as
-- its Parquet type; these macros accept either.
CREATE OR REPLACE TEMP MACRO cs_text(x) AS NULLIF(trim(CAST(x AS VARCHAR)), '')
;
CREATE OR REPLACE TEMP MACRO cs_date(x) AS TRY_CAST(cs_text(x) AS DATE)
;
CREATE OR REPLACE TEMP MACRO cs_month(x) AS date_trunc('month', COALESCE(
    TRY_CAST(cs_text(x) AS DATE),
    TRY_CAST(TRY_STRPTIME(cs_text(x), '%Y-%m') AS DATE)))::DATE
;
CREATE OR REPLACE TEMP MACRO cs_num(x) AS TRY_CAST(cs_text(x) AS DOUBLE)
;
CREATE OR REPLACE TEMP MACRO cs_int(x) AS TRY_CAST(cs_text(x) AS BIGINT)
;
-- The first failing check names the reason; NULL means the row passed.
CREATE OR REPLACE TEMP MACRO cs_missing(col, x) AS CASE WHEN cs_text(x) IS NULL THEN 'missing required value: ' || col END
;
CREATE OR REPLACE TEMP MACRO cs_badtype(col, x, parsed, typ) AS
    CASE WHEN cs_text(x) IS NOT NULL AND parsed IS NULL THEN 'wrong type: ' || col || ' = ' || cs_text(x) || ' is not a ' || typ END
;
CREATE OR REPLACE TEMP MACRO cs_badfinite(col, x, parsed) AS
    CASE WHEN parsed IS NOT NULL AND NOT isfinite(parsed) THEN 'wrong type: ' || col || ' = ' || cs_text(x) || ' is not a finite decimal' END
;
CREATE OR REPLACE TEMP MACRO cs_negative(col, parsed) AS
    CASE WHEN parsed < 0 THEN 'out of range: ' || col || ' = ' || CAST(parsed AS VARCHAR) || ' is below 0' END
;
CREATE OR REPLACE TEMP MACRO cs_enum(col, x, ok) AS
    CASE WHEN cs_text(x) IS NOT NULL AND NOT ok THEN 'unknown value: ' || col || ' = ' || cs_text(x) END
