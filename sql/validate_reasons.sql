-- refresh validate: the five most frequent reject reasons of one input table ($1).
SELECT reason, count(*) AS n
FROM rejects
WHERE table_name = $1
GROUP BY reason
ORDER BY n DESC, reason
LIMIT 5
