-- One chunk of customer tenants, ids [$lo, $hi), with every attribute the tenant-level tables expand
-- from. The owner is the partner whose contiguous tenant range holds the id; the second partner of a
-- shared tenant is the owner of a random tenant id (so big partners share more often).
-- Months are indexes into the window: 0 = $first_month, $months - 1 = the last month.
-- TEMP: each connection of the generator has its own chunk table.
CREATE OR REPLACE TEMP TABLE synth_tenant_chunk AS
WITH t AS (
    SELECT
        range AS tid,
        synth_h($seed, range, 10, 1) AS h1,
        synth_h($seed, range, 10, 2) AS h2,
        synth_u($seed, range, 11, 0) < 0.30 AS enterprise,
        synth_u($seed, range, 12, 0) < 0.02 AS sovereign,
        synth_u($seed, range, 13, 0) AS u_seats,
        synth_u($seed, range, 13, 1) AS u_promoted,
        CAST(floor(synth_u($seed, range, 14, 0) * 2 * $months) AS INTEGER) - $months AS s_month,
        synth_u($seed, range, 15, 0) AS u_churn,
        synth_u($seed, range, 15, 1) AS u_churn_at,
        -0.15 + 0.75 * synth_u($seed, range, 16, 0) AS growth,
        synth_u($seed, range, 17, 0) AS u_az,
        synth_u($seed, range, 17, 1) AS u_az_k,
        synth_u($seed, range, 17, 2) AS u_az_off,
        synth_u($seed, range, 17, 3) AS u_az_base,
        synth_u($seed, range, 18, 0) AS u_m365,
        synth_u($seed, range, 18, 1) AS u_m365_k,
        synth_u($seed, range, 18, 2) AS u_m365_off,
        synth_u($seed, range, 19, 0) AS u_biz,
        synth_u($seed, range, 19, 1) AS u_biz_k,
        synth_u($seed, range, 19, 2) AS u_biz_off,
        synth_u($seed, range, 19, 3) AS u_biz_users,
        synth_u($seed, range, 20, 0) < 0.03 AS orphan,
        synth_u($seed, range, 20, 1) < 0.20 AS assoc2,
        synth_u($seed, range, 20, 2) < 0.10 AND $partners > 1 AS shared,
        CAST(floor(synth_u($seed, range, 20, 3) * $tenants) AS BIGINT) AS tid2
    FROM range($lo, $hi)
), a AS (
    SELECT t.*,
        greatest(s_month, 0) AS m_from,
        CAST(CASE
            WHEN enterprise THEN least(200000, 250 + floor(300 * pow(greatest(u_seats, 1e-9), -1.1)))
            WHEN u_promoted < 0.06 THEN 301 + floor(600 * u_seats)
            ELSE 1 + floor(299 * pow(u_seats, 1.6))
        END AS INTEGER) AS seats,
        CASE WHEN u_az < CASE WHEN enterprise THEN 0.75 ELSE 0.60 END
            THEN 1 + CAST(floor(CASE WHEN enterprise THEN 9 ELSE 6 END * u_az_k * u_az_k) AS INTEGER)
            ELSE 0 END AS az_k,
        CAST(floor($n_azure * pow(u_az_off, 4)) AS INTEGER) AS az_off,
        least(500000.0, CASE WHEN enterprise THEN 1500.0 ELSE 120.0 END * pow(greatest(u_az_base, 1e-9), -0.6)) AS az_base,
        CASE WHEN u_m365 < CASE WHEN enterprise THEN 0.65 ELSE 0.35 END
            THEN 1 + CAST(floor(CASE WHEN enterprise THEN 5 ELSE 3 END * pow(u_m365_k, 1.5)) AS INTEGER)
            ELSE 0 END AS m365_k,
        CAST(floor($n_m365 * pow(u_m365_off, 3)) AS INTEGER) AS m365_off,
        CASE WHEN u_biz < CASE WHEN enterprise THEN 0.20 ELSE 0.05 END
            THEN 1 + CAST(floor(3 * u_biz_k * u_biz_k) AS INTEGER)
            ELSE 0 END AS biz_k,
        CAST(floor($n_bizapps * u_biz_off * u_biz_off) AS INTEGER) AS biz_off,
        CASE WHEN enterprise THEN 15 + 300 * u_biz_users * u_biz_users ELSE 2 + 40 * u_biz_users * u_biz_users END AS biz_users
    FROM t
), b AS (
    -- The ASOF joins do not keep row order: sort here, on numbers only, before the strings exist.
    SELECT a.*,
        u_churn < 0.10 AND m_from < $months - 1 AS churned,
        o.pidx AS owner_idx,
        CASE WHEN p2.pidx = o.pidx THEN (o.pidx + 1) % $partners ELSE p2.pidx END AS partner2_idx
    FROM a
    ASOF JOIN synth_partner_plan o ON a.tid >= o.tenant_start
    ASOF JOIN synth_partner_plan p2 ON a.tid2 >= p2.tenant_start
    ORDER BY a.tid
)
SELECT
    b.tid,
    synth_guid(b.h1, b.h2, b.tid) AS tenant_id,
    CASE WHEN b.enterprise THEN 'enterprise' ELSE 'smb' END AS segment,
    CASE WHEN b.sovereign THEN 'sovereign' ELSE 'public' END AS cloud,
    b.enterprise,
    b.seats,
    b.s_month,
    b.m_from,
    CASE WHEN b.churned THEN b.m_from + 1 + CAST(floor(b.u_churn_at * ($months - 1 - b.m_from)) AS INTEGER)
        ELSE $months END AS m_to,
    b.churned,
    b.growth,
    b.az_k, b.az_off, b.az_base,
    b.m365_k, b.m365_off,
    b.biz_k, b.biz_off, b.biz_users,
    b.orphan, b.assoc2, b.shared,
    b.owner_idx,
    b.partner2_idx,
    m1.name AS m365_first,
    b1.name AS biz_first
FROM b
LEFT JOIN synth_cat m1 ON m1.kind = 'm365' AND m1.idx = CASE WHEN b.m365_k > 0 THEN b.m365_off END
LEFT JOIN synth_cat b1 ON b1.kind = 'bizapps' AND b1.idx = CASE WHEN b.biz_k > 0 THEN b.biz_off END
