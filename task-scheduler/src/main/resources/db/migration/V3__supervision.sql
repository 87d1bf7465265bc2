-- When a failed run's next attempt is due, and when the current attempt runs out of time.
ALTER TABLE run ADD COLUMN next_attempt_at timestamptz;
ALTER TABLE run ADD COLUMN deadline timestamptz;
CREATE INDEX run_retry_due ON run (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX run_deadline ON run (deadline) WHERE deadline IS NOT NULL;
