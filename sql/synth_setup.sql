-- Synthetic input generator (fixtures/synth): helper macros and the catalogue table, shared by the
-- generator's connections (so not TEMP).
-- synth_h: a deterministic 64-bit hash of its four arguments. DuckDB combines the hashes of several
-- arguments as (h * C) XOR hash(last), so values that differ only in the last argument are related by
-- a constant XOR; hashing the result again mixes them into independent draws.
CREATE OR REPLACE MACRO synth_h(s, a, b, c) AS hash(hash(s, a, b, c))
;
-- synth_u: a deterministic uniform draw in [0, 1) (53 bits of synth_h).
CREATE OR REPLACE MACRO synth_u(s, a, b, c) AS ((synth_h(s, a, b, c) >> 11) / 9007199254740992.0)
;
-- synth_guid: a GUID-shaped id. The last group is n (< 2^48) times an odd constant modulo 2^48, a
-- bijection, so distinct n give distinct ids.
CREATE OR REPLACE MACRO synth_guid(h1, h2, n) AS
    printf('%08x-%04x-4%03x-%04x-%012x', h1 >> 32, (h1 >> 16) & 65535, h1 & 4095, 32768 | (h2 & 16383),
        CAST((CAST(n AS HUGEINT) * 25214903917) % 281474976710656 AS BIGINT))
;
-- synth_partner_id: a 7-digit partner id; p -> (p * 7919 + s) mod 9,000,000 is a bijection for p < 9,000,000.
CREATE OR REPLACE MACRO synth_partner_id(s, p) AS
    CAST(1000000 + (CAST(p AS BIGINT) * 7919 + CAST(s % 9000000 AS BIGINT)) % 9000000 AS VARCHAR)
;
-- synth_month: the first day of month m of the window (m = 0 is the first month; m may be negative).
CREATE OR REPLACE MACRO synth_month(first, m) AS CAST(CAST(first AS DATE) + to_months(CAST(m AS INTEGER)) AS DATE)
;
-- Catalogue lists the generator draws from. kind names the list, idx is the position in it; weight > 0
-- puts the entry into synth_pick; f1, f2 and d are per-kind attributes (cost scale, coverage, price,
-- retirement date ...).
CREATE OR REPLACE TABLE synth_cat (
    kind   VARCHAR NOT NULL,
    idx    INTEGER NOT NULL,
    name   VARCHAR NOT NULL,
    weight DOUBLE  NOT NULL,
    f1     DOUBLE  NOT NULL,
    f2     DOUBLE  NOT NULL,
    d      DATE
)
