-- certifications of the certified people of partners [$lo, $hi). A person holds 1-4 distinct codes,
-- consecutive entries of the catalogue (which is grouped by area, so a person's certifications are
-- related): 35% start at the first entry (the Azure gates AZ-104, AZ-305), the others near the
-- partner's area of focus. earned_on falls in the 3 years up to $last_day, before the retirement
-- date of a retired exam; expires_on = earned_on + 1 year for 88% and is empty for the rest.
COPY (
    WITH people AS (
        SELECT p.pidx, p.u_area, unnest(range(p.n_people)) AS person
        FROM synth_partner_plan p
        WHERE p.pidx >= $lo AND p.pidx < $hi AND p.n_people > 0
    ), pk AS (
        SELECT people.*,
            1 + CAST(floor(4 * pow(synth_u($seed, pidx, 90, person), 2)) AS INTEGER) AS k,
            CASE WHEN synth_u($seed, pidx, 91, person) < 0.35 THEN 0
                ELSE CAST((floor(u_area * $n_certs) + floor(4 * synth_u($seed, pidx, 92, person))) AS INTEGER) % $n_certs
            END AS off
        FROM people
    ), c AS (
        SELECT pk.*, unnest(range(pk.k)) AS j
        FROM pk
    ), d AS (
        SELECT c.pidx, c.person, c.j,
            cc.name AS certification,
            cc.d AS retires_on,
            CAST($last_day AS DATE) - CAST(floor(1095 * synth_u($seed, c.pidx, 93, c.person * 16 + c.j)) AS INTEGER) AS e0
        FROM c
        JOIN synth_cat cc ON cc.kind = 'cert' AND cc.idx = (c.off + c.j) % $n_certs
    ), e AS (
        SELECT d.*,
            CASE WHEN retires_on IS NOT NULL AND e0 > retires_on
                THEN retires_on - CAST(floor(365 * synth_u($seed, pidx, 94, person * 16 + j)) AS INTEGER)
                ELSE e0 END AS earned_on
        FROM d
    )
    SELECT
        synth_partner_id($seed, pidx) AS partner_id,
        synth_guid(synth_h($seed, pidx, 95, person), synth_h($seed, pidx, 96, person), pidx * 16777216 + person) AS person_id,
        certification,
        earned_on,
        CASE WHEN synth_u($seed, pidx, 97, person * 16 + j) < 0.88
            THEN CAST(earned_on + INTERVAL 1 YEAR AS DATE) END AS expires_on
    FROM e
) TO {{path}} (FORMAT parquet, COMPRESSION zstd)
