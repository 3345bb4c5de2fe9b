-- Reason codes in the eligibility tables that elig_reasons (stages.Reasons) does not hold.
SELECT DISTINCT code FROM (
    SELECT reason_now AS code FROM customer_eligibility UNION ALL
    SELECT reason_base FROM customer_eligibility UNION ALL
    SELECT reason FROM skilling_eligibility)
WHERE code IS NOT NULL AND code NOT IN (SELECT code FROM elig_reasons) ORDER BY code
