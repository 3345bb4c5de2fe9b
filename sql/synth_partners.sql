-- partners [$lo, $hi): id, a made-up name from three word lists, a country drawn by weight.
COPY (
    SELECT
        synth_partner_id($seed, p.pidx) AS partner_id,
        n1.name || ' ' || n2.name || ' ' || n3.name AS partner_name,
        co.name AS country
    FROM synth_partner_plan p
    JOIN synth_cat n1 ON n1.kind = 'name1' AND n1.idx = CAST(floor($n_name1 * synth_u($seed, p.pidx, 30, 1)) AS INTEGER)
    JOIN synth_cat n2 ON n2.kind = 'name2' AND n2.idx = CAST(floor($n_name2 * synth_u($seed, p.pidx, 30, 2)) AS INTEGER)
    JOIN synth_cat n3 ON n3.kind = 'name3' AND n3.idx = CAST(floor($n_name3 * synth_u($seed, p.pidx, 30, 3)) AS INTEGER)
    JOIN synth_pick co ON co.kind = 'country' AND co.bucket = CAST(floor(10000 * synth_u($seed, p.pidx, 31, 0)) AS INTEGER)
    WHERE p.pidx >= $lo AND p.pidx < $hi
) TO {{path}} (FORMAT parquet, COMPRESSION zstd)
