-- azure_consumption: no key (rows are additive); months outside the window are counted, not used.
CREATE OR REPLACE TABLE chk_azure_consumption AS
WITH v AS (
    SELECT s._file, s._row, s AS s,
        cs_text(s.tenant_id) AS tenant_id, cs_month(s.month) AS month,
        cs_text(s.service) AS service, cs_text(s.offer) AS offer, cs_num(s.acr_usd) AS acr_usd,
        coalesce(
            cs_missing('tenant_id', s.tenant_id),
            cs_missing('month', s.month),
            cs_missing('service', s.service),
            cs_missing('offer', s.offer),
            cs_missing('acr_usd', s.acr_usd),
            cs_badtype('month', s.month, cs_month(s.month), 'month (YYYY-MM or date)'),
            cs_badtype('acr_usd', s.acr_usd, cs_num(s.acr_usd), 'decimal'),
            cs_badfinite('acr_usd', s.acr_usd, cs_num(s.acr_usd))
        ) AS reason0
    FROM ({{source}}) s
)
SELECT v._file, v._row, v.tenant_id, v.month, v.service, v.offer, v.acr_usd,
    CASE WHEN reason0 IS NULL AND month BETWEEN $wfrom AND $wto AND t.tenant_id IS NULL
        THEN 'unknown tenant: ' || v.tenant_id ELSE reason0 END AS reason,
    reason0 IS NULL AND month NOT BETWEEN $wfrom AND $wto AS out_of_window,
    CASE WHEN reason IS NOT NULL THEN to_json(s)::VARCHAR END AS raw
FROM v LEFT JOIN tenants t ON t.tenant_id = v.tenant_id
;
CREATE OR REPLACE TABLE azure_consumption AS
SELECT tenant_id, month, service, offer, sum(acr_usd) AS acr_usd
FROM chk_azure_consumption WHERE reason IS NULL AND NOT out_of_window
GROUP BY ALL
