-- Report: partner-areas per area and 10-point band of total points ([0,10) ... [90,100], 100 in the last band).
SELECT solution_area, least(CAST(floor(CAST(total_points AS DOUBLE) / 10) AS INTEGER), 9) AS band, count(*) AS n
FROM read_parquet({{area_scores}})
GROUP BY ALL
