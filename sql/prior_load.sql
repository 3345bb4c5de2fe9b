INSERT INTO prior_qualified
SELECT {{month}}, partner_id, solution_area FROM read_parquet({{path}}) WHERE qualified
