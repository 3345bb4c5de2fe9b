-- capscore analyst kit: a view per published table, then worked queries.
--
-- Run it from the folder that holds the output folder `out` (as in the README's first command):
--   duckdb -c ".read docs/analyst.sql"            (DuckDB CLI)
-- or, without a DuckDB install, paste one query after the views into
--   refresh query --out out "SELECT ..."           (defines the same views itself)
-- Columns, types and NULL conventions: docs/outputs.md. The views read every published month; each
-- row carries snapshot_month, as_of, rubric_id and run_id.

-- Views (the same as `refresh query` defines; a test keeps them equal).
CREATE OR REPLACE VIEW area_scores AS SELECT * FROM read_parquet('out/area_scores/snapshot_month=*/*.parquet', hive_partitioning = false, union_by_name = true);
CREATE OR REPLACE VIEW metric_scores AS SELECT * FROM read_parquet('out/metric_scores/snapshot_month=*/*.parquet', hive_partitioning = false, union_by_name = true);
CREATE OR REPLACE VIEW recommendations AS SELECT * FROM read_parquet('out/recommendations/snapshot_month=*/*.parquet', hive_partitioning = false, union_by_name = true);
CREATE OR REPLACE VIEW rejects AS SELECT * FROM read_parquet('out/rejects/snapshot_month=*/*.parquet', hive_partitioning = false, union_by_name = true);
CREATE OR REPLACE VIEW customer_eligibility AS SELECT * FROM read_parquet('out/customer_eligibility/snapshot_month=*/*.parquet', hive_partitioning = false, union_by_name = true);
CREATE OR REPLACE VIEW skilling_eligibility AS SELECT * FROM read_parquet('out/skilling_eligibility/snapshot_month=*/*.parquet', hive_partitioning = false, union_by_name = true);
-- score_changes exists once a month was published after the month before it (refresh query skips
-- a view whose table has no file yet; here it fails, and the queries below do not read it).
CREATE OR REPLACE VIEW score_changes AS SELECT * FROM read_parquet('out/score_changes/snapshot_month=*/*.parquet', hive_partitioning = false, union_by_name = true);

-- name: qualified_per_area_and_month
-- Qualified partner-areas per solution area and month, out of all partners scored.
SELECT snapshot_month, solution_area,
    count(*) FILTER (WHERE qualified) AS qualified,
    count(*) AS partners
FROM area_scores
GROUP BY snapshot_month, solution_area
ORDER BY snapshot_month, solution_area;

-- name: qualification_gained_or_lost
-- Partner-areas that gained or lost qualification from one published month to the next.
SELECT cur.snapshot_month, cur.partner_id, cur.partner_name, cur.solution_area,
    CASE WHEN cur.qualified THEN 'gained' ELSE 'lost' END AS change,
    prev.total_points AS previous_total_points, cur.total_points
FROM area_scores cur
JOIN area_scores prev
    ON prev.partner_id = cur.partner_id AND prev.solution_area = cur.solution_area
    AND prev.snapshot_month = strftime(strptime(cur.snapshot_month, '%Y-%m') - INTERVAL 1 MONTH, '%Y-%m')
WHERE cur.qualified <> prev.qualified
ORDER BY cur.snapshot_month, cur.partner_id, cur.solution_area;

-- name: score_distribution_per_area
-- Distribution of total points per solution area in the latest published month.
SELECT solution_area,
    count(*) AS partners,
    min(total_points) AS min_points,
    quantile_disc(total_points, 0.5) AS median_points,
    max(total_points) AS max_points,
    count(*) FILTER (WHERE total_points = 0) AS at_0,
    count(*) FILTER (WHERE total_points > 0 AND total_points < 40) AS from_0_to_40,
    count(*) FILTER (WHERE total_points >= 40 AND total_points < 70) AS from_40_to_70,
    count(*) FILTER (WHERE total_points >= 70) AS from_70
FROM area_scores
WHERE snapshot_month = (SELECT max(snapshot_month) FROM area_scores)
GROUP BY solution_area
ORDER BY solution_area;

-- name: top_reject_reasons
-- The most frequent reject reasons of one month (change the month), with an example row.
SELECT table_name, split_part(reason, ':', 1) AS reason, count(*) AS rows,
    min(file || ' row ' || row_number) AS example
FROM rejects
WHERE snapshot_month = '2026-10'
GROUP BY table_name, split_part(reason, ':', 1)
ORDER BY rows DESC, table_name, reason
LIMIT 10;

-- name: months_from_one_run
-- Each month's tables come from one run: this lists any month whose tables disagree (expect none).
SELECT snapshot_month, count(DISTINCT run_id) AS runs
FROM (
    SELECT snapshot_month, run_id FROM area_scores
    UNION ALL SELECT snapshot_month, run_id FROM metric_scores
    UNION ALL SELECT snapshot_month, run_id FROM recommendations
    UNION ALL SELECT snapshot_month, run_id FROM rejects
)
GROUP BY snapshot_month
HAVING count(DISTINCT run_id) > 1
ORDER BY snapshot_month;

-- name: partner_scorecard
-- One partner's metrics on the selected track of every area in the latest month (change the partner).
SELECT solution_area, track, category, metric, value, threshold, points, max_points
FROM metric_scores
WHERE partner_id = 'P01' AND selected
    AND snapshot_month = (SELECT max(snapshot_month) FROM metric_scores)
ORDER BY solution_area, category, metric;
