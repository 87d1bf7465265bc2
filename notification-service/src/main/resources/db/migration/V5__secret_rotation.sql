-- A rotated webhook secret stays in force beside the new one until its grace period ends.
ALTER TABLE subscription ADD COLUMN previous_secret text;
ALTER TABLE subscription ADD COLUMN previous_secret_expires_at timestamptz;
