-- Report: partner-areas, qualified ones and those at 0 points, per area and track of one published month.
SELECT solution_area, track, count(*) AS partner_areas,
    count(*) FILTER (WHERE qualified) AS qualified,
    count(*) FILTER (WHERE CAST(total_points AS DOUBLE) = 0) AS not_started
FROM read_parquet({{area_scores}})
GROUP BY solution_area, track
