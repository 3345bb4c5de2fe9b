-- m365_usage of the chunk's tenants: per tenant m365_k distinct workloads (consecutive entries of the
-- popularity-ordered list), each from its adoption month to the month the tenant stops.
-- paid_licenses = seats x workload coverage (synth_cat.f1) x noise, growing towards the last month;
-- active_users = paid_licenses x active share (synth_cat.f2) x ramp-up x noise, never above paid_licenses.
COPY (
    WITH s AS (
        SELECT c.tid, c.tenant_id, c.m_from, c.m_to, c.growth, c.seats, c.m365_off,
            unnest(range(c.m365_k)) AS j
        FROM synth_tenant_chunk c
        WHERE c.m365_k > 0
    ), w AS (
        SELECT s.tid, s.tenant_id, s.m_to, s.growth, s.j,
            wl.name AS workload,
            least(s.seats * 1.1, s.seats * wl.f1 * (0.6 + 0.6 * synth_u($seed, s.tid, 70, s.j))) AS lic0,
            least(1.0, wl.f2 * (0.6 + 0.5 * synth_u($seed, s.tid, 71, s.j))) AS share,
            CASE WHEN s.j = 0 THEN s.m_from
                ELSE s.m_from + CAST(floor(0.4 * synth_u($seed, s.tid, 72, s.j) * (s.m_to - s.m_from)) AS INTEGER)
            END AS j_from
        FROM s
        JOIN synth_cat wl ON wl.kind = 'm365' AND wl.idx = (s.m365_off + s.j) % $n_m365
    ), m AS (
        SELECT w.*, unnest(range(w.j_from, w.m_to)) AS mi
        FROM w
    ), l AS (
        SELECT m.*,
            CAST(round(lic0 * pow(1 + 0.5 * growth, (mi - ($months - 1)) / 12.0)) AS INTEGER) AS paid_licenses,
            (synth_h($seed, m.tid, 73, m.j * 1000 + m.mi) >> 11) / 9007199254740992.0 AS u
        FROM m
    )
    SELECT
        tenant_id,
        synth_month($first_month, mi) AS month,
        workload,
        paid_licenses,
        CAST(least(paid_licenses, floor(paid_licenses * share * least(1.0, (mi - j_from + 1) / 4.0) * (0.85 + 0.3 * u))) AS INTEGER) AS active_users
    FROM l
) TO {{path}} (FORMAT parquet, COMPRESSION zstd)
