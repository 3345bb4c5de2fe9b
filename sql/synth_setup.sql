-- Synthetic input generator (fixtures/synth): session settings, helper macros and the catalogue table.
-- Row order must not depend on thread scheduling, so that the same seed gives byte-identical files.
SET preserve_insertion_order = true
;
-- synth_u: a deterministic uniform draw in [0, 1) from a hash of its four arguments (53 bits).
CREATE OR REPLACE TEMP MACRO synth_u(s, a, b, c) AS ((hash(s, a, b, c) >> 11) / 9007199254740992.0)
;
-- synth_guid: a GUID-shaped id; the last group is n, so distinct n give distinct ids.
CREATE OR REPLACE TEMP MACRO synth_guid(h1, h2, n) AS
    printf('%08x-%04x-4%03x-%04x-%012x', h1 >> 32, (h1 >> 16) & 65535, h1 & 4095, 32768 | (h2 & 16383), n)
;
-- synth_partner_id: a 7-digit partner id; p -> (p * 7919 + s) mod 9,000,000 is a bijection for p < 9,000,000.
CREATE OR REPLACE TEMP MACRO synth_partner_id(s, p) AS
    CAST(1000000 + (CAST(p AS BIGINT) * 7919 + CAST(s % 9000000 AS BIGINT)) % 9000000 AS VARCHAR)
;
-- synth_month: the first day of month m of the window (m = 0 is the first month; m may be negative).
CREATE OR REPLACE TEMP MACRO synth_month(first, m) AS CAST(first + to_months(CAST(m AS INTEGER)) AS DATE)
;
-- Catalogue lists the generator draws from. kind names the list, idx is the position in it; weight > 0
-- puts the entry into synth_pick; f1, f2 and d are per-kind attributes (cost scale, coverage, price,
-- retirement date ...).
CREATE OR REPLACE TEMP TABLE synth_cat (
    kind   VARCHAR NOT NULL,
    idx    INTEGER NOT NULL,
    name   VARCHAR NOT NULL,
    weight DOUBLE  NOT NULL,
    f1     DOUBLE  NOT NULL,
    f2     DOUBLE  NOT NULL,
    d      DATE
)
