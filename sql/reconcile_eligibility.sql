-- Every metric value of metric_scores re-computed from the eligibility rows alone, per metric shape:
--   sum          (counts, certifications): the sum of contribution;
--   growth_pct   (Azure and Business Applications usage growth): (sum now - sum base) x 100 / sum base
--                over the considered rows, NULL when the base is 0 or there are none;
--   best_option  (Modern Work): per option with considered rows, measure = sum of contribution and
--                points = round(max x min(1, max(0, measure) / threshold), 2); the highest points
--                win, the first option on a tie; the value is the winner's measure;
--   capped_sum   (Security usage growth): per component with considered rows,
--                round(min(component max, max(0, sum now - sum base) / units per point), 2), summed.
--                Sums of doubles added in another order differ in the last bits, so a component
--                within 1e-7 of a rounding boundary may round either way: the value must lie
--                between the sums rounded down and up (lo, hi); every other shape has lo = hi.
-- Returns the metric_scores rows whose value differs.
WITH shape AS (
    SELECT solution_area, track, metric, max_points,
        CASE WHEN rule = 'best_of_options' THEN 'best_option'
             WHEN rule = 'sum_capped' THEN 'capped_sum'
             WHEN rule = 'linear' AND metric = 'usage_growth' THEN 'growth_pct'
             ELSE 'sum' END AS shape
    FROM rb_metric WHERE applicable
),
parts AS (
    SELECT solution_area, track, metric, part, partner_key,
        sum(now_amount) FILTER (WHERE considered) AS now_sum, sum(base_amount) FILTER (WHERE considered) AS base_sum,
        sum(contribution) AS contribution, bool_or(considered) AS considered
    FROM customer_eligibility GROUP BY ALL
    UNION ALL
    SELECT solution_area, track, metric, '', partner_key, NULL, NULL, sum(contribution), true
    FROM skilling_eligibility GROUP BY ALL
),
opt AS (
    SELECT p.solution_area, p.track, p.metric, p.partner_key, o.option_order, p.contribution AS measure,
        round(sh.max_points * least(1, greatest(0, p.contribution) / o.threshold), 2) AS points
    FROM parts p
    JOIN shape sh ON sh.solution_area = p.solution_area AND sh.track = p.track AND sh.metric = p.metric AND sh.shape = 'best_option'
    JOIN rb_option o ON o.solution_area = p.solution_area AND o.track = p.track AND o.metric = p.metric AND o.option = p.part
    WHERE p.considered
),
comp AS (
    SELECT p.solution_area, p.track, p.metric, p.partner_key,
        least(c.max_points, greatest(0, p.now_sum - p.base_sum) / c.units_per_point) AS x
    FROM parts p
    JOIN shape sh USING (solution_area, track, metric)
    JOIN rb_component c ON c.solution_area = p.solution_area AND c.track = p.track AND c.metric = p.metric AND c.component = p.part
    WHERE sh.shape = 'capped_sum' AND p.considered
),
recon AS (
    SELECT p.solution_area, p.track, p.metric, p.partner_key, sum(p.contribution) AS value
    FROM parts p JOIN shape sh USING (solution_area, track, metric) WHERE sh.shape = 'sum'
    GROUP BY ALL
    UNION ALL
    SELECT p.solution_area, p.track, p.metric, p.partner_key,
        CASE WHEN sum(p.base_sum) > 0 THEN (sum(p.now_sum) - sum(p.base_sum)) * 100 / sum(p.base_sum) END
    FROM parts p JOIN shape sh USING (solution_area, track, metric) WHERE sh.shape = 'growth_pct' AND p.considered
    GROUP BY ALL
    UNION ALL
    SELECT solution_area, track, metric, partner_key, arg_max(measure, points * 1000 - option_order)
    FROM opt GROUP BY ALL
),
recon_range AS (
    SELECT *, value AS lo, value AS hi FROM recon
    UNION ALL
    SELECT solution_area, track, metric, partner_key, sum(round(x, 2)), sum(round(x - 1e-7, 2)), sum(round(x + 1e-7, 2))
    FROM comp GROUP BY ALL
),
cmp AS (
    SELECT ms.partner_id, ms.solution_area, ms.track, ms.metric, ms.value,
        CASE WHEN r.partner_key IS NOT NULL THEN r.value WHEN sh.shape = 'growth_pct' THEN NULL ELSE 0 END AS reconciled,
        coalesce(r.lo, 0) AS lo, coalesce(r.hi, 0) AS hi
    FROM metric_scores ms
    JOIN shape sh ON sh.solution_area = ms.solution_area AND sh.track = ms.track AND sh.metric = ms.metric
    LEFT JOIN recon_range r ON r.partner_key = ms.partner_key AND r.solution_area = ms.solution_area
        AND r.track = ms.track AND r.metric = ms.metric
)
SELECT partner_id, solution_area, track, metric, value, reconciled
FROM cmp
WHERE (value IS NULL) <> (reconciled IS NULL)
   OR value < lo - greatest(1e-6, 1e-9 * abs(value)) OR value > hi + greatest(1e-6, 1e-9 * abs(value))
ORDER BY partner_id, solution_area, track, metric
