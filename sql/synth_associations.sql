-- associations of the chunk's tenants. Per tenant up to three rows:
--   r = 0  the owner's association (3% of tenants have none), its start in the tenant's first month;
--   r = 1  a second association type with the same partner (20%), started later;
--   r = 2  an association with a second partner (10%, shared tenants), started inside the window.
-- Associations of churned tenants end in the month usage stops; about 7% of the others ended too.
-- Some carry a workload (mostly CPOR: synth_cat.f1 is the share of rows of a type that do).
COPY (
    WITH r AS (
        SELECT c.*, unnest(range(3)) AS r
        FROM synth_tenant_chunk c
    ), f AS (
        SELECT *
        FROM r
        WHERE (r = 0 AND NOT orphan) OR (r = 1 AND assoc2 AND NOT orphan) OR (r = 2 AND shared)
    ), typed AS (
        SELECT f.*,
            CASE f.r
                WHEN 0 THEN t0.idx
                WHEN 1 THEN (t0.idx + 1 + CAST(floor(synth_u($seed, f.tid, 41, 0) * ($n_assoc - 1)) AS INTEGER)) % $n_assoc
                ELSE t2.idx
            END AS type_idx,
            synth_month($first_month, f.s_month) + CAST(floor(28 * synth_u($seed, f.tid, 42, 0)) AS INTEGER) AS start0
        FROM f
        JOIN synth_pick t0 ON t0.kind = 'assoc' AND t0.bucket = CAST(floor(10000 * synth_u($seed, f.tid, 40, 0)) AS INTEGER)
        JOIN synth_pick t2 ON t2.kind = 'assoc' AND t2.bucket = CAST(floor(10000 * synth_u($seed, f.tid, 40, 2)) AS INTEGER)
    ), dated AS (
        SELECT typed.*,
            ty.name AS association_type,
            ty.f1 AS p_workload,
            CASE typed.r
                WHEN 0 THEN start0
                WHEN 1 THEN least(CAST($last_day AS DATE), start0 + CAST(floor(540 * synth_u($seed, typed.tid, 43, 1)) AS INTEGER))
                ELSE synth_month($first_month, m_from + floor(($months - m_from) * synth_u($seed, typed.tid, 43, 2)))
                    + CAST(floor(28 * synth_u($seed, typed.tid, 43, 3)) AS INTEGER)
            END AS start_date,
            synth_month($first_month, m_to) + CAST(floor(27 * synth_u($seed, typed.tid, 44, 0)) AS INTEGER) AS churn_end
        FROM typed
        JOIN synth_cat ty ON ty.kind = 'assoc' AND ty.idx = typed.type_idx
    )
    SELECT
        synth_partner_id($seed, CASE WHEN r = 2 THEN partner2_idx ELSE owner_idx END) AS partner_id,
        tenant_id,
        association_type,
        CASE WHEN synth_u($seed, tid, 45, r) < p_workload THEN coalesce(m365_first, biz_first) END AS workload,
        start_date,
        CASE
            WHEN r < 2 AND churned THEN greatest(start_date, churn_end)
            WHEN synth_u($seed, tid, 46, r) < 0.07
                THEN start_date + CAST(floor(synth_u($seed, tid, 47, r) * (CAST($last_day AS DATE) - start_date)) AS INTEGER)
        END AS end_date
    FROM dated
) TO {{path}} (FORMAT parquet, COMPRESSION zstd)
