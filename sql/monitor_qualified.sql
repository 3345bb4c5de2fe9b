-- Qualified partner-areas per solution area of one published area_scores file ($1: its path), for
-- the metrics file.
SELECT solution_area, count(*) FILTER (WHERE qualified) FROM read_parquet($1) GROUP BY solution_area
