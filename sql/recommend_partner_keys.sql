-- Recommendation planner: the range of partner keys with a started area; the planner works through
-- it in batches so its memory does not grow with the program.
SELECT coalesce(min(partner_key), 0)::BIGINT, coalesce(max(partner_key), -1)::BIGINT FROM rs_area
