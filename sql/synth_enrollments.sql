-- enrollments of partners [$lo, $hi): 5% of partners (50% of those with 50+ tenants) enrolled in one
-- to three distinct solution areas within the last 30 months; 15% of enrollments have ended.
COPY (
    WITH p AS (
        SELECT pidx,
            CASE WHEN u_enroll < CASE WHEN size >= 50 THEN 0.5 ELSE 0.05 END
                THEN 1 + CAST(floor(3 * pow(synth_u($seed, pidx, 100, 0), 2)) AS INTEGER)
                ELSE 0 END AS k,
            CAST(floor($n_areas * synth_u($seed, pidx, 100, 1)) AS INTEGER) AS off
        FROM synth_partner_plan
        WHERE pidx >= $lo AND pidx < $hi
    ), x AS (
        SELECT p.pidx, p.off, unnest(range(p.k)) AS j
        FROM p
        WHERE p.k > 0
    ), e AS (
        SELECT x.pidx, x.j,
            ar.name AS solution_area,
            CAST($last_day AS DATE) - CAST(floor(900 * synth_u($seed, x.pidx, 101, x.j)) AS INTEGER) AS enrolled_on
        FROM x
        JOIN synth_cat ar ON ar.kind = 'area' AND ar.idx = (x.off + x.j) % $n_areas
    )
    SELECT
        synth_partner_id($seed, pidx) AS partner_id,
        solution_area,
        enrolled_on,
        CASE WHEN synth_u($seed, pidx, 102, j) < 0.15
            THEN enrolled_on + CAST(floor(synth_u($seed, pidx, 103, j) * (CAST($last_day AS DATE) - enrolled_on)) AS INTEGER)
        END AS ended_on
    FROM e
) TO {{path}} (FORMAT parquet, COMPRESSION zstd)
