-- Weighted draws as a lookup: each weighted catalogue kind gets 10,000 buckets, shared among its
-- entries in proportion to their weights, so a draw u in [0, 1) picks bucket floor(10000 * u).
CREATE OR REPLACE TABLE synth_pick AS
WITH w AS (
    SELECT kind, idx, name, weight,
        sum(weight) OVER (PARTITION BY kind ORDER BY idx ROWS UNBOUNDED PRECEDING) AS cum,
        sum(weight) OVER (PARTITION BY kind) AS total
    FROM synth_cat
    WHERE weight > 0
), r AS (
    SELECT kind, idx, name,
        CAST(round(10000 * (cum - weight) / total) AS INTEGER) AS lo,
        CAST(round(10000 * cum / total) AS INTEGER) AS hi
    FROM w
)
SELECT r.kind, CAST(b.range AS INTEGER) AS bucket, r.idx, r.name
FROM r
JOIN range(10000) b ON b.range >= r.lo AND b.range < r.hi
ORDER BY r.kind, bucket
