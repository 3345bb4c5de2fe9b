-- The rubric as tables, filled from the validated rubric file; the metric SQL joins against them.
CREATE OR REPLACE TABLE rb_general (rubric_id VARCHAR, qualifying_score DOUBLE, max_points_per_area DOUBLE,
    retired_grace_months INTEGER, expiry_warning_days INTEGER)
;
CREATE OR REPLACE TABLE rb_association_type (association_type VARCHAR)
;
CREATE OR REPLACE TABLE rb_excluded_offer (offer VARCHAR)
;
CREATE OR REPLACE TABLE rb_cert (code VARCHAR, name VARCHAR, level VARCHAR, area VARCHAR, retires_on DATE)
;
CREATE OR REPLACE TABLE rb_service (name VARCHAR, security BOOLEAN, excluded_from_deployments BOOLEAN)
;
CREATE OR REPLACE TABLE rb_m365_workload (name VARCHAR, set_name VARCHAR)
;
CREATE OR REPLACE TABLE rb_bizapps_workload (name VARCHAR, net_customer_adds BOOLEAN, rate_group VARCHAR,
    mcv_rate DOUBLE, association_group VARCHAR)
;
CREATE OR REPLACE TABLE rb_area (solution_area VARCHAR, area_order INTEGER, name VARCHAR, family VARCHAR,
    track_selection VARCHAR, smb_customer_share_min DOUBLE, ba_revenue_floor DOUBLE, ba_min_pairs INTEGER)
;
CREATE OR REPLACE TABLE rb_assoc_group (solution_area VARCHAR, group_name VARCHAR, association_type VARCHAR)
;
-- One row per area x track x metric (applicable or not). Bands are lo/hi with exclusivity flags.
CREATE OR REPLACE TABLE rb_metric (solution_area VARCHAR, track VARCHAR, metric VARCHAR, metric_order INTEGER,
    category VARCHAR, applicable BOOLEAN, rule VARCHAR, max_points DOUBLE, threshold DOUBLE,
    acr_floor DOUBLE, base_minimum DOUBLE, revenue_floor DOUBLE, mcv_floor DOUBLE,
    lic_lo DOUBLE, lic_lo_excl BOOLEAN, lic_hi DOUBLE, lic_hi_excl BOOLEAN, sticky_smb BOOLEAN,
    active_share_min DOUBLE,
    ttm_lo DOUBLE, ttm_lo_excl BOOLEAN, ttm_hi DOUBLE, ttm_hi_excl BOOLEAN, ttm_min DOUBLE)
;
-- part: '' (whole metric), 'azure' or 'm365' (Security parts); option: '' or the option name.
CREATE OR REPLACE TABLE rb_metric_assoc (solution_area VARCHAR, track VARCHAR, metric VARCHAR, part VARCHAR,
    option VARCHAR, association_type VARCHAR)
;
CREATE OR REPLACE TABLE rb_option (solution_area VARCHAR, track VARCHAR, metric VARCHAR, option VARCHAR,
    option_order INTEGER, threshold DOUBLE)
;
CREATE OR REPLACE TABLE rb_component (solution_area VARCHAR, track VARCHAR, metric VARCHAR, component VARCHAR,
    units_per_point DOUBLE, max_points DOUBLE,
    ttm_lo DOUBLE, ttm_lo_excl BOOLEAN, ttm_hi DOUBLE, ttm_hi_excl BOOLEAN,
    lic_lo DOUBLE, lic_lo_excl BOOLEAN, lic_hi DOUBLE, lic_hi_excl BOOLEAN)
;
-- Certification steps; linear certification metrics are one step 0 with role 'count'.
CREATE OR REPLACE TABLE rb_step (solution_area VARCHAR, track VARCHAR, metric VARCHAR, step INTEGER, role VARCHAR,
    min_people INTEGER, points DOUBLE, points_per_person DOUBLE)
;
CREATE OR REPLACE TABLE rb_step_requires (solution_area VARCHAR, track VARCHAR, metric VARCHAR, step INTEGER, required_step INTEGER)
;
CREATE OR REPLACE TABLE rb_step_cert (solution_area VARCHAR, track VARCHAR, metric VARCHAR, step INTEGER, code VARCHAR)
;
CREATE OR REPLACE TABLE rb_requires_people (solution_area VARCHAR, track VARCHAR, metric VARCHAR, required_metric VARCHAR)
