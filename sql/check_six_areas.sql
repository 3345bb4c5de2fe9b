-- Every partner has exactly one row per solution area.
SELECT p.partner_id, count(a.solution_area) AS area_rows
FROM partners p LEFT JOIN area_scores a ON a.partner_id = p.partner_id
GROUP BY p.partner_id
HAVING count(a.solution_area) <> (SELECT count(*) FROM rb_area) OR count(DISTINCT a.solution_area) <> count(a.solution_area)
