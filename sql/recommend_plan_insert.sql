-- The planner's rows, appended in batches: the rows placeholder is a list of (?, ...) groups, one
-- per row, never data; every value is a parameter.
INSERT INTO recommend_plan VALUES {{rows}}
