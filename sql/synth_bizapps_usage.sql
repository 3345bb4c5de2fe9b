-- bizapps_usage of the chunk's tenants: per tenant biz_k distinct workloads (rate-card workloads first
-- in the list), each from its adoption month to the month the tenant stops. active_users = the
-- tenant's user base x the workload's unit multiplier (synth_cat.f2: profiles, capacity) x growth
-- x ramp-up; revenue_usd = active_users x unit price (synth_cat.f1) x noise.
COPY (
    WITH s AS (
        SELECT c.tid, c.tenant_id, c.m_from, c.m_to, c.growth, c.biz_users, c.biz_off,
            unnest(range(c.biz_k)) AS j
        FROM synth_tenant_chunk c
        WHERE c.biz_k > 0
    ), w AS (
        SELECT s.tid, s.tenant_id, s.m_to, s.growth, s.j,
            wl.name AS workload,
            wl.f1 AS price,
            s.biz_users * wl.f2 * (0.5 + synth_u($seed, s.tid, 80, s.j)) AS users0,
            CASE WHEN s.j = 0 THEN s.m_from
                ELSE s.m_from + CAST(floor(0.4 * synth_u($seed, s.tid, 81, s.j) * (s.m_to - s.m_from)) AS INTEGER)
            END AS j_from
        FROM s
        JOIN synth_cat wl ON wl.kind = 'bizapps' AND wl.idx = (s.biz_off + s.j) % $n_bizapps
    ), m AS (
        SELECT w.*, unnest(range(w.j_from, w.m_to)) AS mi
        FROM w
    ), u AS (
        SELECT m.*,
            greatest(1.0, round(users0 * pow(1 + growth, (mi - ($months - 1)) / 12.0) * least(1.0, (mi - j_from + 1) / 3.0))) AS active_users,
            (synth_h($seed, m.tid, 82, m.j * 1000 + m.mi) >> 11) / 9007199254740992.0 AS u
        FROM m
    )
    SELECT
        tenant_id,
        synth_month($first_month, mi) AS month,
        workload,
        round(active_users * price * (0.95 + 0.1 * u), 2) AS revenue_usd,
        CAST(active_users AS DOUBLE) AS active_users
    FROM u
) TO {{path}} (FORMAT parquet, COMPRESSION zstd)
