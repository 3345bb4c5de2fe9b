-- Microsoft 365 inputs shared by Modern Work and Security: licence bands per tenant and month, and
-- pair (tenant, workload) coverage per association set.
CREATE OR REPLACE TABLE rb_band AS
WITH b AS (
    SELECT CASE a.family WHEN 'modern_work' THEN 'modern_work' ELSE 'security' END AS set_name,
        m.lic_lo AS lo, coalesce(m.lic_lo_excl, false) AS lo_excl, m.lic_hi AS hi, coalesce(m.lic_hi_excl, false) AS hi_excl,
        coalesce(m.sticky_smb, false) AS sticky
    FROM rb_metric m JOIN rb_area a USING (solution_area)
    WHERE a.family IN ('modern_work', 'security') AND m.applicable AND (m.lic_lo IS NOT NULL OR m.lic_hi IS NOT NULL)
    UNION
    SELECT 'security', c.lic_lo, coalesce(c.lic_lo_excl, false), c.lic_hi, coalesce(c.lic_hi_excl, false), false
    FROM rb_component c WHERE c.lic_lo IS NOT NULL OR c.lic_hi IS NOT NULL
)
SELECT *, (row_number() OVER (ORDER BY band_name))::INTEGER AS band_key
FROM (SELECT DISTINCT *, band_name_of(set_name, lo, lo_excl, hi, hi_excl, sticky) AS band_name FROM b)
;
-- A tenant is in a band in a month when one workload of the band's set has paid licences in it.
CREATE OR REPLACE TABLE m365_tband AS
SELECT b.band_key, u.tenant_key, u.month,
    bool_or(in_band(u.paid_licenses, b.lo, b.lo_excl, b.hi, b.hi_excl)) AS in_band,
    bool_or(b.hi IS NOT NULL AND u.paid_licenses > b.hi) AS above
FROM m365_usage u
JOIN rb_m365_workload w ON w.name = u.workload
JOIN rb_band b ON b.set_name = w.set_name
-- The window S-23..S only: a backfill holds the union of its months' windows, and a month must see
-- exactly what a single run of it sees (the sticky rule looks twelve months back).
WHERE u.month BETWEEN (SELECT s23 FROM params) AND (SELECT s FROM params)
GROUP BY ALL
;
-- Eligible: in the band, or (sticky SMB) above it now and in it twelve months earlier.
CREATE OR REPLACE TABLE m365_elig AS
SELECT band_key, tenant_key, month FROM m365_tband WHERE in_band
UNION ALL
SELECT x.band_key, x.tenant_key, x.month
FROM m365_tband x
JOIN rb_band b ON b.band_key = x.band_key AND b.sticky
JOIN m365_tband prev ON prev.band_key = x.band_key AND prev.tenant_key = x.tenant_key
    AND prev.month = (x.month - INTERVAL 12 MONTH)::DATE AND prev.in_band
WHERE NOT x.in_band AND x.above
;
CREATE OR REPLACE TABLE m365_pairs AS
SELECT DISTINCT u.tenant_key, u.workload FROM m365_usage u, params p WHERE u.month BETWEEN p.s23 AND p.s
;
-- Pair coverage as a 24-bit month mask per (set, partner, tenant, workload): bit i is month S-23+i.
CREATE OR REPLACE TABLE m365_pmask AS
SELECT s.set_key, a.partner_key, pr.tenant_key, pr.workload, bit_or(a.mask) AS mask
FROM assoc_mask a
JOIN rb_assoc_set_type s ON s.association_type = a.association_type
JOIN m365_pairs pr ON pr.tenant_key = a.tenant_key AND (a.workload IS NULL OR a.workload = pr.workload)
WHERE s.set_key IN (SELECT set_key FROM rb_assoc_set WHERE family IN ('modern_work', 'security') AND part IN ('', 'm365'))
GROUP BY ALL
;
-- The two months compared by most metrics: S (bit 23) and S-12 (bit 11).
CREATE OR REPLACE TABLE snap_months AS
SELECT 23 AS i, s AS month FROM params UNION ALL SELECT 11, s12 FROM params
;
-- The rows of S-12..S, the months most metrics compare. Views, so the month filter is applied while
-- the tables are scanned, before any join.
CREATE OR REPLACE TEMP VIEW m365_usage_recent AS
SELECT * FROM m365_usage WHERE month BETWEEN (SELECT s12 FROM params) AND (SELECT s FROM params)
;
CREATE OR REPLACE TEMP VIEW m365_elig_recent AS
SELECT * FROM m365_elig WHERE month BETWEEN (SELECT s12 FROM params) AND (SELECT s FROM params)
