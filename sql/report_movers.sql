-- Report: partner-areas whose qualification changed from the previous published month; a partner-area
-- missing in one month counts as not qualified there. $limit rows per change and the count of each.
WITH cur AS (
    SELECT partner_id, solution_area, track, CAST(total_points AS DOUBLE) AS total, qualified
    FROM read_parquet({{current}})
), prev AS (
    SELECT partner_id, solution_area, track, CAST(total_points AS DOUBLE) AS total, qualified
    FROM read_parquet({{previous}})
), moved AS (
    SELECT coalesce(c.partner_id, p.partner_id) AS partner_id,
        coalesce(c.solution_area, p.solution_area) AS solution_area,
        coalesce(c.track, p.track) AS track, p.total AS previous_total, c.total AS current_total,
        CASE WHEN coalesce(c.qualified, false) THEN 'gained' ELSE 'lost' END AS change
    FROM cur c FULL JOIN prev p ON p.partner_id = c.partner_id AND p.solution_area = c.solution_area
    WHERE coalesce(c.qualified, false) <> coalesce(p.qualified, false)
)
SELECT change, partner_id, solution_area, track, previous_total, current_total,
    count(*) OVER (PARTITION BY change) AS n
FROM moved
QUALIFY row_number() OVER (PARTITION BY change ORDER BY partner_id, solution_area) <= $limit
ORDER BY change, partner_id, solution_area
