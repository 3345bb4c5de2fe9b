-- azure_consumption: no key (rows are additive); months outside the window are counted, not used.
-- The checked rows are a view, so the raw rows are never held in memory: the row accounting reads
-- it once (the rejects a second time, only when there are any) and the metric SQL reads it where it
-- needs the rows. usage_month is the month of a row the metrics use, for the manifest's history.
CREATE OR REPLACE TEMP VIEW val_azure_consumption AS
SELECT s._fidx, s._row, s AS s,
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
;
CREATE OR REPLACE TEMP VIEW chk_azure_consumption AS
SELECT _fidx, _row, tenant_key, month, service, offer, acr_usd, reason1 AS reason, out_of_window,
    CASE WHEN reason IS NULL AND NOT out_of_window AND offer NOT IN (SELECT offer FROM rb_excluded_offer) THEN month END AS usage_month,
    CASE WHEN reason IS NOT NULL THEN cs_raw(s) END AS raw
FROM cs_usage_rows('val_azure_consumption')
;
-- Accepted rows, offers the rubric excludes dropped. A view: the metric SQL sums the rows where it
-- needs them, so 60M rows are never grouped or held in memory here.
CREATE OR REPLACE TEMP VIEW azure_consumption AS
SELECT tenant_key, month, service, acr_usd AS acr
FROM chk_azure_consumption
WHERE reason IS NULL AND NOT out_of_window AND offer NOT IN (SELECT offer FROM rb_excluded_offer)
