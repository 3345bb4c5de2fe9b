-- The partner plan: one row per partner with its number of customer tenants (a Pareto draw, alpha
-- 1.1, truncated at 20,000 or half the partner count, scaled so the mean is $tpp), the first id of its
-- contiguous tenant range, and its number of certified people (roughly size^0.8, scaled to about 2.6
-- people per partner; 15% have none).
CREATE OR REPLACE TABLE synth_partner_plan AS
WITH raw AS (
    SELECT
        range AS pidx,
        least(pow(greatest(synth_u($seed, range, 1, 0), 1e-12), -1.0 / 1.1), least(20000.0, greatest(10.0, $partners / 2.0))) AS w,
        synth_u($seed, range, 2, 0) AS u_people,
        synth_u($seed, range, 2, 1) AS u_people_mult,
        synth_u($seed, range, 2, 2) AS u_people_round,
        synth_u($seed, range, 3, 0) AS u_area,
        synth_u($seed, range, 4, 0) AS u_enroll
    FROM range($partners)
), sized AS (
    SELECT raw.*,
        CAST(greatest(1, round(w * $tpp * $partners / sum(w) OVER ())) AS BIGINT) AS size
    FROM raw
), people AS (
    SELECT sized.*,
        CASE WHEN u_people < 0.15 THEN 0.0 ELSE pow(size, 0.8) * (0.3 + 1.4 * u_people_mult) END AS px
    FROM sized
)
SELECT
    pidx,
    size,
    CAST(sum(size) OVER (ORDER BY pidx ROWS UNBOUNDED PRECEDING) - size AS BIGINT) AS tenant_start,
    CAST(floor(px * 2.6 * $partners / sum(px) OVER () + u_people_round) AS INTEGER) AS n_people,
    u_area,
    u_enroll
FROM people
ORDER BY pidx
