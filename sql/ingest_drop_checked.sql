-- A checked table held as a table (the small inputs) is dropped once its rows are counted and its
-- rejects collected: nothing reads it later, and its memory goes to the metric SQL.
DROP TABLE IF EXISTS {{table}}
