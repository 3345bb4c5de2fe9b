-- Parsing helpers shared by the ingest statements. A raw value arrives as text (CSV) or as its
-- Parquet type. typeof(x) is folded when the statement is bound, so a column that already has the
-- contract's type is used as it is and only text goes through parsing.
CREATE OR REPLACE TEMP MACRO cs_text(x) AS
    CASE WHEN typeof(x) = 'VARCHAR' THEN NULLIF(trim(CAST(x AS VARCHAR)), '') ELSE CAST(x AS VARCHAR) END
;
CREATE OR REPLACE TEMP MACRO cs_date(x) AS
    CASE WHEN typeof(x) = 'VARCHAR' THEN TRY_CAST(NULLIF(trim(CAST(x AS VARCHAR)), '') AS DATE) ELSE TRY_CAST(x AS DATE) END
;
CREATE OR REPLACE TEMP MACRO cs_month(x) AS
    CASE WHEN typeof(x) = 'VARCHAR' THEN date_trunc('month', COALESCE(
            TRY_CAST(NULLIF(trim(CAST(x AS VARCHAR)), '') AS DATE),
            TRY_CAST(TRY_STRPTIME(NULLIF(trim(CAST(x AS VARCHAR)), ''), '%Y-%m') AS DATE)))::DATE
         ELSE date_trunc('month', TRY_CAST(x AS DATE))::DATE END
;
CREATE OR REPLACE TEMP MACRO cs_num(x) AS
    CASE WHEN typeof(x) = 'VARCHAR' THEN TRY_CAST(NULLIF(trim(CAST(x AS VARCHAR)), '') AS DOUBLE) ELSE TRY_CAST(x AS DOUBLE) END
;
CREATE OR REPLACE TEMP MACRO cs_int(x) AS
    CASE WHEN typeof(x) = 'VARCHAR' THEN TRY_CAST(NULLIF(trim(CAST(x AS VARCHAR)), '') AS BIGINT) ELSE TRY_CAST(x AS BIGINT) END
;
-- The first failing check names the reason; NULL means the row passed. The message parts that
-- format a value run only for the failing rows.
CREATE OR REPLACE TEMP MACRO cs_missing(col, x) AS
    CASE WHEN x IS NULL THEN 'missing required value: ' || col
         WHEN typeof(x) = 'VARCHAR' AND trim(CAST(x AS VARCHAR)) = '' THEN 'missing required value: ' || col END
;
CREATE OR REPLACE TEMP MACRO cs_badtype(col, x, parsed, typ) AS
    CASE WHEN parsed IS NOT NULL OR x IS NULL THEN NULL
         WHEN cs_text(x) IS NOT NULL THEN 'wrong type: ' || col || ' = ' || cs_text(x) || ' is not a ' || typ END
;
CREATE OR REPLACE TEMP MACRO cs_badfinite(col, x, parsed) AS
    CASE WHEN parsed IS NOT NULL AND NOT isfinite(parsed) THEN 'wrong type: ' || col || ' = ' || cs_text(x) || ' is not a finite decimal' END
;
CREATE OR REPLACE TEMP MACRO cs_negative(col, parsed) AS
    CASE WHEN parsed < 0 THEN 'out of range: ' || col || ' = ' || CAST(parsed AS VARCHAR) || ' is below 0' END
;
CREATE OR REPLACE TEMP MACRO cs_enum(col, x, ok) AS
    CASE WHEN NOT ok AND cs_text(x) IS NOT NULL THEN 'unknown value: ' || col || ' = ' || cs_text(x) END
;
-- The raw values of a row as JSON, without the reader's own columns (_file, present in the tables
-- with a key, _fidx, _row).
CREATE OR REPLACE TEMP MACRO cs_raw(s) AS
    regexp_replace(to_json(s)::VARCHAR, '^\{(?:"_file":"(?:[^"\\]|\\.)*",)?"_fidx":[0-9]+,"_row":[0-9]+,?', '{')
