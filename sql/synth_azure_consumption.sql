-- azure_consumption of the chunk's tenants: per tenant az_k distinct services (consecutive entries of
-- the popularity-ordered list from a head-biased offset), each from its adoption month to the month
-- the tenant stops. Monthly ACR = base x tenant growth x market trend (+20%/year) x yearly season
-- x ramp-up over the first three months x noise; about 0.4% of rows are credits (negative).
-- Offer: one per (tenant, service) drawn from synth_pick 'offer'; 5% of services start with a
-- one-month $trial_offer.
COPY (
    WITH s AS (
        SELECT c.tid, c.tenant_id, c.m_from, c.m_to, c.growth, c.az_base, c.az_off,
            unnest(range(c.az_k)) AS j
        FROM synth_tenant_chunk c
        WHERE c.az_k > 0
    ), sv AS (
        SELECT s.tid, s.tenant_id, s.m_to, s.growth, s.j,
            sc.name AS service,
            s.az_base * sc.f1 * (0.3 + 1.4 * synth_u($seed, s.tid, 60, s.j)) AS base,
            CASE WHEN s.j = 0 THEN s.m_from
                ELSE s.m_from + CAST(floor(0.4 * synth_u($seed, s.tid, 61, s.j) * (s.m_to - s.m_from)) AS INTEGER)
            END AS j_from,
            op.name AS offer,
            synth_u($seed, s.tid, 63, s.j) < 0.05 AS trial_first
        FROM s
        JOIN synth_cat sc ON sc.kind = 'azure_service' AND sc.idx = (s.az_off + s.j) % $n_azure
        JOIN synth_pick op ON op.kind = 'offer' AND op.bucket = CAST(floor(10000 * synth_u($seed, s.tid, 62, s.j)) AS INTEGER)
    ), m AS (
        SELECT sv.*, unnest(range(sv.j_from, sv.m_to)) AS mi
        FROM sv
    ), v AS (
        SELECT m.*,
            synth_h($seed, m.tid, 64, m.j * 1000 + m.mi) AS h,
            base
                * pow(1 + growth, (mi - ($months - 1)) / 12.0)
                * pow(1.2, (mi - ($months - 1)) / 12.0)
                * (1 + 0.06 * sin(2 * pi() * ((mi + $first_cal_month) % 12) / 12.0))
                * least(1.0, (mi - j_from + 1) / 3.0) AS acr0
        FROM m
    )
    SELECT
        tenant_id,
        synth_month($first_month, mi) AS month,
        service,
        CASE WHEN trial_first AND mi = j_from THEN $trial_offer ELSE offer END AS offer,
        round(CASE
            WHEN trial_first AND mi = j_from THEN acr0 * 0.1
            WHEN (h & 1023) < 4 THEN -acr0 * (0.05 + 0.5 * ((h >> 11) / 9007199254740992.0))
            ELSE acr0 * (0.9 + 0.2 * ((h >> 11) / 9007199254740992.0))
        END, 2) AS acr_usd
    FROM v
) TO {{path}} (FORMAT parquet, COMPRESSION zstd)
