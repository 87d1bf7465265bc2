-- A transaction that stores events in the outbox tells the relays so as it commits (NOTIFY is delivered at commit,
-- and only if the transaction commits): a relay that listens starts on them at once instead of at its next look.
-- One notification per statement, on the channel <schema>_outbox; PostgreSQL folds the same notification of one
-- transaction into one.
CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS outbox_notify ON outbox;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
