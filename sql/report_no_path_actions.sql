-- Report: an empty path_to_qualify view, for months whose recommendations have none.
CREATE OR REPLACE TEMP VIEW report_path_actions AS
SELECT NULL::VARCHAR AS partner_id, NULL::VARCHAR AS solution_area, NULL::VARCHAR AS track, NULL::VARCHAR AS action,
    NULL::DOUBLE AS points_at_stake
WHERE false
