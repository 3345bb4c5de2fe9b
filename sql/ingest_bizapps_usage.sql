-- bizapps_usage: key (tenant_id, month, workload), checked by ingest_keyed_usage.sql; workloads from
-- the rubric catalogue.
CREATE OR REPLACE TEMP VIEW val_bizapps_usage AS
SELECT s._fidx, s._row, s AS s,
    cs_text(s.tenant_id) AS tenant_id, cs_month(s.month) AS month, cs_text(s.workload) AS workload,
    cs_num(s.revenue_usd) AS revenue_usd, cs_num(s.active_users) AS active_users,
    coalesce(
        cs_missing('tenant_id', s.tenant_id),
        cs_missing('month', s.month),
        cs_missing('workload', s.workload),
        cs_missing('revenue_usd', s.revenue_usd),
        cs_missing('active_users', s.active_users),
        cs_badtype('month', s.month, cs_month(s.month), 'month (YYYY-MM or date)'),
        cs_badtype('revenue_usd', s.revenue_usd, cs_num(s.revenue_usd), 'decimal'),
        cs_badtype('active_users', s.active_users, cs_num(s.active_users), 'decimal'),
        cs_badfinite('revenue_usd', s.revenue_usd, cs_num(s.revenue_usd)),
        cs_badfinite('active_users', s.active_users, cs_num(s.active_users)),
        cs_negative('active_users', cs_num(s.active_users)),
        cs_enum('workload', s.workload, cs_text(s.workload) IN (SELECT name FROM rb_bizapps_workload))
    ) AS reason0
FROM ({{source}}) s
