-- Leases: while an attempt runs, whoever carries it out sends heartbeats; the first one takes a lease on the
-- attempt, each one extends it. A RUNNING run whose lease ran out is taken again as a new attempt (or fails
-- when none is left). Null: no lease (not running, or nobody has sent a heartbeat for this attempt).
ALTER TABLE run ADD COLUMN lease_expires_at timestamptz;
CREATE INDEX run_by_lease ON run (lease_expires_at) WHERE lease_expires_at IS NOT NULL;
