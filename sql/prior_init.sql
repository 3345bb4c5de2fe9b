-- Qualified (partner, area) pairs of the earlier published snapshots S-5..S-1, filled by the score stage.
CREATE OR REPLACE TABLE prior_qualified (snapshot_month VARCHAR, partner_id VARCHAR, solution_area VARCHAR)
