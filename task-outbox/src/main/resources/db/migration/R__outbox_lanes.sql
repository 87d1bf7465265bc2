-- The relay publishes the outbox in four lanes side by side, a lane being the events whose key hashes to it:
-- the events of one key (one run, one task) stay in one lane, in order. Each lane is claimed oldest first
-- through this index. Shipped with the outbox, as a repeatable migration, for every service with an outbox table.
CREATE INDEX IF NOT EXISTS outbox_lane ON outbox ((hashtext(message_key) & 3), position);
