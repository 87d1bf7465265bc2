-- The result awaiting validation (carried by VALIDATED) and the feedback given on earlier attempts.
ALTER TABLE run ADD COLUMN result text;
ALTER TABLE run ADD COLUMN feedback text NOT NULL DEFAULT '[]';
