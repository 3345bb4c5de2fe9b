-- Report: the top path_to_qualify action of each partner, area and track, with the points the step
-- adds. {{action}}, {{stake}} and {{order}} are column lists chosen by the report from the file's
-- columns, never data.
CREATE OR REPLACE TEMP VIEW report_path_actions AS
SELECT partner_id, solution_area, track, CAST({{action}} AS VARCHAR) AS action, CAST({{stake}} AS DOUBLE) AS points_at_stake
FROM read_parquet({{recommendations}})
WHERE kind = 'path_to_qualify'
QUALIFY row_number() OVER (PARTITION BY partner_id, solution_area, track ORDER BY {{order}}) = 1
