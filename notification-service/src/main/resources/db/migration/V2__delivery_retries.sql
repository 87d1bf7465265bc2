-- Deliveries are queued and retried with backoff until delivered or given up on (DEAD, retried by hand).
ALTER TABLE delivery ADD COLUMN payload text NOT NULL DEFAULT '';
ALTER TABLE delivery ADD COLUMN event_type text NOT NULL DEFAULT '';
ALTER TABLE delivery ADD COLUMN next_attempt_at timestamptz;
CREATE INDEX delivery_due ON delivery (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
