-- Simulate: the tenants of a partner in the published month's customer_eligibility file, for
-- a --tenant that is not one of them.
SELECT DISTINCT tenant_id FROM read_parquet({{path}}) WHERE partner_id = $partner ORDER BY tenant_id
