-- Every macro of the refresh, defined once per run before any other statement (the rubric stage
-- runs this file first), so that no statement file depends on another having run for its macros.
-- Macros here read no table: DuckDB binds a macro's subqueries when it is created.

-- The window: the usage months a snapshot S reads are S-23..S, window_months() of them; Go's
-- pipeline.HistoryMonths is the same number (stages.TestSQLWindowIsHistoryMonths holds them equal,
-- and params.s23 to the first month of pipeline.HistoryWindow). Within the window a month is an
-- index i (month S-23+i) and a coverage mask has bit i set for that month: S is 23, S-1 is 22,
-- S-12 is 11, S-13 is 10, and the trailing twelve months S-11..S are 12..23.
CREATE OR REPLACE TEMP MACRO window_months() AS 24
;
-- The index of month m in the window starting at s23.
CREATE OR REPLACE TEMP MACRO month_idx(m, s23) AS datediff('month', s23, m)
;
-- The first day of the month at index i of the window starting at s23.
CREATE OR REPLACE TEMP MACRO month_at(s23, i) AS (s23 + to_months(i::INTEGER))::DATE
;
-- Whether mask covers the month at index i (false outside the window).
CREATE OR REPLACE TEMP MACRO has_bit(mask, i) AS
    ((mask >> greatest(0, least(i, 63))) & 1) = 1 AND i BETWEEN 0 AND window_months() - 1
;
-- The first month index from lo on that mask covers; NULL when none is.
CREATE OR REPLACE TEMP MACRO first_bit(mask, lo) AS
    list_min(list_filter(range(lo, window_months()), i -> has_bit(mask, i)))
;
-- The growth base of a coverage mask: S-12 (11) when covered then, else the first covered month
-- after S-12; NULL when none is.
CREATE OR REPLACE TEMP MACRO base_idx(mask) AS
    CASE WHEN has_bit(mask, 11) THEN 11 ELSE first_bit(mask, 12) END
;
-- Whether a coverage mask puts its row in the growth base set: covered in S or in S-12.
CREATE OR REPLACE TEMP MACRO in_growth_set(mask) AS has_bit(mask, 23) OR has_bit(mask, 11)
;
-- The growth base month of a row in the growth base set (NULL outside it), for the window starting
-- at s23.
CREATE OR REPLACE TEMP MACRO growth_base_month(s23, mask) AS
    CASE WHEN in_growth_set(mask) THEN month_at(s23, base_idx(mask)) END
;
-- exact(x) turns a DOUBLE into DECIMAL(38,10): sum(exact(x)) is exact, so it is the same whatever
-- order the threads add in (a DOUBLE sum is not). Every sum of a DOUBLE (integer sums are exact already) is written
-- sum(exact(x))::DOUBLE: measures stay DOUBLE and two runs of the same input give the same bits.
CREATE OR REPLACE TEMP MACRO exact(x) AS x::DECIMAL(38,10)
;
-- The columns value .. detail of measures for a metric that counts now against a base (net customer
-- adds, deployments): now - base, always scorable, with both counts and the floor in its detail
-- under the given keys. Expanded into columns with unnest.
CREATE OR REPLACE TEMP MACRO count_measure(now, base, now_key, base_key, floor_key, floor) AS {
    'value': now - base, 'scorable': true, 'points_raw': NULL::DOUBLE,
    'detail': json_object(now_key, now, base_key, base, floor_key, floor)::VARCHAR
}
;
-- The columns value .. detail of measures for usage growth: the % growth of now over base (none
-- without a base), scorable when the base reaches the minimum; the detail has both sums (rounded to
-- cents), how many rows (n) they add up and the minimum, under the given keys.
CREATE OR REPLACE TEMP MACRO growth_measure(now, base, minimum, now_key, base_key, n_key, n, minimum_key) AS {
    'value': CASE WHEN base > 0 THEN (now - base) * 100 / base END, 'scorable': base >= minimum, 'points_raw': NULL::DOUBLE,
    'detail': json_object(now_key, round(now, 2), base_key, round(base, 2), n_key, n,
        minimum_key, minimum, 'base_minimum_met', base >= minimum)::VARCHAR
}
;
-- Band test (licence and ACR bands): lo/hi with exclusivity flags, NULL for an open end.
CREATE OR REPLACE TEMP MACRO in_band(x, lo, lo_excl, hi, hi_excl) AS
    (lo IS NULL OR (CASE WHEN lo_excl THEN x > lo ELSE x >= lo END))
    AND (hi IS NULL OR (CASE WHEN hi_excl THEN x < hi ELSE x <= hi END))
;
-- The name of a Microsoft 365 licence band (rb_band.band_name): the family's workload set and the
-- band's bounds; a metric or a Security component finds its band_key by this name.
CREATE OR REPLACE TEMP MACRO band_name_of(fam, lo, lo_excl, hi, hi_excl, sticky) AS
    concat_ws('|', CASE fam WHEN 'modern_work' THEN 'modern_work' ELSE 'security' END,
        lo, coalesce(lo_excl, false), hi, coalesce(hi_excl, false), coalesce(sticky, false))
;
-- An amount in a recommendation's words: a whole number without decimals (500), any other with two
-- (0.20); large numbers stay in plain digits.
CREATE OR REPLACE TEMP MACRO amount_text(x) AS
    CASE WHEN x = trunc(x) THEN x::BIGINT::VARCHAR ELSE printf('%.2f', x) END
;

-- Ingest: parsing and checks. A raw value arrives as text (CSV) or as its Parquet type. typeof(x)
-- is folded when the statement is bound, so a column that already has the contract's type is used
-- as it is and only text goes through parsing.
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
-- A reference to a partner or tenant that its table does not hold (known: whether it does).
CREATE OR REPLACE TEMP MACRO cs_unknown(what, x, known) AS
    CASE WHEN NOT known THEN 'unknown ' || what || ': ' || cs_text(x) END
;
-- An end date before its start date.
CREATE OR REPLACE TEMP MACRO cs_end_before_start(end_col, end_x, start_col, start_x) AS
    CASE WHEN cs_date(end_x) < cs_date(start_x)
        THEN 'end before start: ' || end_col || ' ' || cs_date(end_x) || ' < ' || start_col || ' ' || cs_date(start_x) END
;
-- The raw values of a row as JSON, without the reader's own columns (_file, present in the tables
-- with a key, _fidx, _row).
CREATE OR REPLACE TEMP MACRO cs_raw(s) AS
    regexp_replace(to_json(s)::VARCHAR, '^\{(?:"_file":"(?:[^"\\]|\\.)*",)?"_fidx":[0-9]+,"_row":[0-9]+,?', '{')
;
-- The rows of a usage table, from its validated rows (the view named val: tenant_id, month and
-- reason0 among them) with the tenant's key: a row that passed its checks is out of window when
-- its month is outside ingest_window, and rejected when it is in the window and its tenant is
-- unknown (reason1).
CREATE OR REPLACE TEMP MACRO cs_usage_rows(val) AS TABLE
SELECT v.*, t.tenant_key,
    CASE WHEN reason0 IS NULL AND month BETWEEN w.wfrom AND w.wto AND t.tenant_key IS NULL
        THEN 'unknown tenant: ' || v.tenant_id ELSE reason0 END AS reason1,
    reason0 IS NULL AND month NOT BETWEEN w.wfrom AND w.wto AS out_of_window
FROM query_table(val) v CROSS JOIN ingest_window w LEFT JOIN tenants t ON t.tenant_id = v.tenant_id
;

-- Eligibility. Reason codes are written only through rc, so a test can find every code.
CREATE OR REPLACE TEMP MACRO rc(code) AS code
;
-- The columns considered .. contribution of customer_eligibility for a growth row (usage growth:
-- the row's usage now and at the growth base): in_g, the row is in the growth base set; cov_s, it
-- is covered in S; not_now / not_base, the reason code when it does not count now / at the base;
-- now and base, its usage in S and in the base month. It counts at the base when in the set, now
-- when also covered in S. Expanded into columns with unnest.
CREATE OR REPLACE TEMP MACRO growth_row(in_g, cov_s, not_now, not_base, now, base) AS {
    'considered': in_g,
    'counted_now': in_g AND cov_s,
    'reason_now': CASE WHEN in_g AND cov_s THEN NULL ELSE not_now END,
    'counted_base': in_g,
    'reason_base': CASE WHEN in_g THEN NULL ELSE not_base END,
    'now_amount': CASE WHEN in_g AND cov_s THEN coalesce(now, 0) ELSE 0 END,
    'base_amount': CASE WHEN in_g THEN coalesce(base, 0) ELSE 0 END,
    'contribution': CASE WHEN in_g AND cov_s THEN coalesce(now, 0) ELSE 0 END - CASE WHEN in_g THEN coalesce(base, 0) ELSE 0 END
}
