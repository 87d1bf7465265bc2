-- A transaction that stores events in the outbox tells the relays so as it commits (NOTIFY is delivered at commit,
-- and only if the transaction commits): a relay that listens starts on them at once instead of at its next look.
-- The channel is <schema>_outbox and the payload the lane of the event (R__outbox_lanes.sql), so only the lanes
-- that have something to relay look; PostgreSQL folds the same notification of one transaction into one.
CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', (hashtext(NEW.message_key) & 3)::text);
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS outbox_notify ON outbox;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_notify();
