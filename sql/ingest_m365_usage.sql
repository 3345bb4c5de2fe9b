-- m365_usage: key (tenant_id, month, workload), checked by ingest_keyed_usage.sql; workloads from
-- the rubric catalogue.
CREATE OR REPLACE TEMP VIEW val_m365_usage AS
SELECT s._fidx, s._row, s AS s,
    cs_text(s.tenant_id) AS tenant_id, cs_month(s.month) AS month, cs_text(s.workload) AS workload,
    cs_int(s.paid_licenses) AS paid_licenses, cs_int(s.active_users) AS active_users,
    coalesce(
        cs_missing('tenant_id', s.tenant_id),
        cs_missing('month', s.month),
        cs_missing('workload', s.workload),
        cs_missing('paid_licenses', s.paid_licenses),
        cs_missing('active_users', s.active_users),
        cs_badtype('month', s.month, cs_month(s.month), 'month (YYYY-MM or date)'),
        cs_badtype('paid_licenses', s.paid_licenses, cs_int(s.paid_licenses), 'integer'),
        cs_badtype('active_users', s.active_users, cs_int(s.active_users), 'integer'),
        cs_negative('paid_licenses', cs_int(s.paid_licenses)),
        cs_negative('active_users', cs_int(s.active_users)),
        cs_enum('workload', s.workload, cs_text(s.workload) IN (SELECT name FROM rb_m365_workload))
    ) AS reason0
FROM ({{source}}) s
