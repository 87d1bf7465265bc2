-- Email subscriptions name recipients instead of a URL, and sign nothing.
ALTER TABLE subscription ADD COLUMN recipients text;
ALTER TABLE subscription ALTER COLUMN url DROP NOT NULL;
ALTER TABLE subscription ALTER COLUMN secret DROP NOT NULL;
